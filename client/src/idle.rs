//! Work for when the browser has nothing better to do: both apps fetch the parts of their wasm
//! that the person has not needed yet ([`when_idle`]), so that a click later seldom waits on the
//! network.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Where the browser cannot say when it is idle (Safari has no `requestIdleCallback`), the work
/// runs this long after it was asked for: past the first paint and the first requests.
pub const WITHOUT_IDLE_MS: i32 = 2_000;

/// Runs `work` once, when the browser is next idle (`requestIdleCallback`), or after
/// [`WITHOUT_IDLE_MS`] where it cannot say. Nothing happens without a window.
pub fn when_idle(work: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let idle = js_sys::Reflect::has(&window, &"requestIdleCallback".into()).unwrap_or(false);
    let callback = Closure::once_into_js(work);
    if idle {
        let _ = window.request_idle_callback(callback.unchecked_ref());
    } else {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            WITHOUT_IDLE_MS,
        );
    }
}
