//! The requests `client::http` has no helper for yet: a `PUT` with a JSON body and a `POST`
//! without one. Same conventions: same-origin credentials (the session cookie; the browser adds
//! our `Origin` to these methods by itself), bodies parsed by the browser (`client::json`), and
//! error answers decoded from the API's one [`ErrorBody`] shape. To be folded into `client::http` (`put_json`, a body-less `post`).

use client::http::HttpError;
use client::json;
use leptos::prelude::window;
use protocol::api::ErrorBody;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

/// `method url` with an optional JSON body; decodes the JSON answer.
pub async fn json<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<String>,
) -> Result<T, HttpError> {
    let network = |_: JsValue| HttpError::Network;
    let headers = Headers::new().map_err(network)?;
    headers.set("Accept", "application/json").map_err(network)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = &body {
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let response: Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    // Parsed by the browser: `None` when the body is not JSON.
    let body = match response.json() {
        Ok(parsed) => JsFuture::from(parsed).await.ok(),
        Err(_) => None,
    };
    if !response.ok() {
        let status = response.status();
        return Err(match body.and_then(json::from_js::<ErrorBody>) {
            Some(body) => HttpError::Status {
                status,
                code: Some(body.error.code),
                message: body.error.message,
            },
            None => HttpError::Status {
                status,
                code: None,
                message: format!("The server answered with status {status}. Please try again."),
            },
        });
    }
    body.and_then(json::from_js).ok_or(HttpError::Decode)
}
