//! Randomness, ids, bearer tokens and password hashing, through the runtime's WebCrypto (the
//! key derivation runs as native code there, outside the Worker's wasm CPU time).

use domain::credentials::{
    encode_token, PasswordHash, HASH_BYTES, PBKDF2_ITERATIONS, SALT_BYTES, TOKEN_BYTES,
};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use worker::{Error, Result};

#[wasm_bindgen]
extern "C" {
    /// The global `crypto` object of the Workers runtime.
    #[wasm_bindgen(thread_local_v2, js_name = crypto)]
    static CRYPTO: web_sys::Crypto;
}

/// `n` cryptographically random bytes.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    CRYPTO.with(|c| c.get_random_values_with_u8_array(&mut buf))?;
    Ok(buf)
}

/// A new random id with a readable prefix, e.g. `c_3f9a…` (128 random bits, hex).
pub fn new_id(prefix: &str) -> Result<String> {
    let bytes = random_bytes(16)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{prefix}_{hex}"))
}

/// A new bearer token (256 random bits).
pub fn new_token() -> Result<String> {
    Ok(encode_token(&random_bytes(TOKEN_BYTES)?))
}

/// PBKDF2-SHA256 of `password` with `salt` and `iterations`, via WebCrypto.
pub async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>> {
    let subtle = CRYPTO.with(|c| c.subtle());
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let key_data = Uint8Array::from(password.as_bytes());
    let key =
        JsFuture::from(subtle.import_key_with_str("raw", &key_data, "PBKDF2", false, &usages)?)
            .await?;
    let params = web_sys::Pbkdf2Params::new(
        "PBKDF2",
        &JsValue::from_str("SHA-256"),
        iterations,
        &Uint8Array::from(salt),
    );
    let bits = JsFuture::from(subtle.derive_bits_with_object(
        &params,
        &key.unchecked_into(),
        (HASH_BYTES * 8) as u32,
    )?)
    .await?;
    let bits: ArrayBuffer = bits
        .dyn_into()
        .map_err(|_| Error::RustError("deriveBits returned no ArrayBuffer".into()))?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// A new stored hash for `password` with a fresh salt.
pub async fn hash_password(password: &str) -> Result<PasswordHash> {
    let salt = random_bytes(SALT_BYTES)?;
    let hash = derive(password, &salt, PBKDF2_ITERATIONS).await?;
    Ok(PasswordHash {
        iterations: PBKDF2_ITERATIONS,
        salt,
        hash,
    })
}

/// Whether `password` matches `stored`. A stored value that does not parse matches nothing.
pub async fn verify_password(password: &str, stored: &str) -> Result<bool> {
    let Some(hash) = PasswordHash::parse(stored) else {
        return Ok(false);
    };
    let derived = derive(password, &hash.salt, hash.iterations).await?;
    Ok(hash.matches(&derived))
}
