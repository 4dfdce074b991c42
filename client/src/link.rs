//! A WebSocket that stays connected while its owner wants it: when the connection drops it
//! reconnects after a [`backoff`](crate::backoff) delay (sooner when the browser reports it is
//! back online), asking its owner for the URL afresh each time so the URL can carry
//! `?after=<last seq>`. It carries text frames only and knows nothing of their meaning.
//!
//! Event listeners hold only a weak reference to the link, so dropping the [`Link`] closes the
//! socket and frees everything; there is no reference cycle through JavaScript.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::backoff;

/// How the link's socket is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// A socket is being opened.
    Connecting,
    /// Frames flow.
    Open,
    /// No socket; a reconnect is scheduled unless the owner closed the link.
    Closed,
}

/// What the link asks of its owner.
pub struct LinkHandlers {
    /// The URL to connect to, asked before every attempt.
    pub url: Box<dyn Fn() -> String>,
    /// The state changed (not called for the owner's own [`Link::close`]).
    pub on_state: Box<dyn Fn(LinkState)>,
    /// A text frame arrived; the returned frames are sent back at once.
    pub on_text: Box<dyn Fn(String) -> Vec<String>>,
}

/// A reconnecting WebSocket; see the module docs. Dropping it closes it.
pub struct Link {
    inner: Rc<Inner>,
}

/// A connection that lasted this long before dropping was healthy: retry at the base delay.
const STABLE_MS: f64 = 10_000.0;

struct Inner {
    protocols: Vec<String>,
    handlers: LinkHandlers,
    ws: RefCell<Option<WebSocket>>,
    state: Cell<LinkState>,
    wanted: Cell<bool>,
    attempt: Cell<u32>,
    opened_at: Cell<f64>,
    /// This connection delivered a frame, so the server accepted us.
    heard: Cell<bool>,
    timer: Cell<Option<i32>>,
    listeners: RefCell<Option<Listeners>>,
    retry: RefCell<Option<Closure<dyn FnMut()>>>,
    online: RefCell<Option<EventClosure>>,
}

type EventClosure = Closure<dyn FnMut(Event)>;

/// The closures attached to the current socket; kept alive as long as it is.
struct Listeners {
    _open: EventClosure,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

impl Link {
    /// Starts connecting at once. `protocols` is the WebSocket subprotocol list (may be empty).
    pub fn open(protocols: Vec<String>, handlers: LinkHandlers) -> Self {
        let inner = Rc::new(Inner {
            protocols,
            handlers,
            ws: RefCell::new(None),
            state: Cell::new(LinkState::Closed),
            wanted: Cell::new(true),
            attempt: Cell::new(0),
            opened_at: Cell::new(0.0),
            heard: Cell::new(false),
            timer: Cell::new(None),
            listeners: RefCell::new(None),
            retry: RefCell::new(None),
            online: RefCell::new(None),
        });
        watch_online(&inner);
        connect(&inner);
        Self { inner }
    }

    /// The current state.
    pub fn state(&self) -> LinkState {
        self.inner.state.get()
    }

    /// Sends a text frame if the socket is open; returns whether it was handed to the socket.
    pub fn send(&self, text: &str) -> bool {
        self.inner.state.get() == LinkState::Open
            && matches!(&*self.inner.ws.borrow(), Some(ws) if ws.send_with_str(text).is_ok())
    }

    /// Closes the socket for good (no reconnect).
    pub fn close(&self) {
        let inner = &self.inner;
        inner.wanted.set(false);
        cancel_timer(inner);
        if let (Some(window), Some(online)) = (web_sys::window(), inner.online.take()) {
            let _ = window
                .remove_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            retire(online);
        }
        if let Some(ws) = detach(inner) {
            let _ = ws.close();
        }
        inner.state.set(LinkState::Closed);
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.close();
    }
}

fn connect(inner: &Rc<Inner>) {
    if !inner.wanted.get() {
        return;
    }
    let protocols: js_sys::Array = inner.protocols.iter().map(JsValue::from).collect();
    let ws = match WebSocket::new_with_str_sequence(&(inner.handlers.url)(), &protocols) {
        Ok(ws) => ws,
        Err(_) => return retry_later(inner),
    };
    let weak = Rc::downgrade(inner);
    let open = EventClosure::new({
        let weak = weak.clone();
        move |_: Event| {
            if let Some(inner) = weak.upgrade() {
                inner.opened_at.set(js_sys::Date::now());
                set_state(&inner, LinkState::Open);
            }
        }
    });
    let message = Closure::<dyn FnMut(MessageEvent)>::new({
        let weak = weak.clone();
        move |event: MessageEvent| {
            let (Some(inner), Some(text)) = (weak.upgrade(), event.data().as_string()) else {
                return;
            };
            inner.heard.set(true);
            for reply in (inner.handlers.on_text)(text) {
                if let Some(ws) = &*inner.ws.borrow() {
                    let _ = ws.send_with_str(&reply);
                }
            }
        }
    });
    // `error` is always followed by `close`, so `close` alone drives reconnects.
    let close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
        if let Some(inner) = weak.upgrade() {
            detach(&inner);
            set_state(&inner, LinkState::Closed);
            retry_later(&inner);
        }
    });
    ws.set_onopen(Some(open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(close.as_ref().unchecked_ref()));
    detach(inner);
    *inner.listeners.borrow_mut() = Some(Listeners {
        _open: open,
        _message: message,
        _close: close,
    });
    *inner.ws.borrow_mut() = Some(ws);
    inner.heard.set(false);
    set_state(inner, LinkState::Connecting);
}

fn retry_later(inner: &Rc<Inner>) {
    if !inner.wanted.get() {
        return;
    }
    let lasted = js_sys::Date::now() - inner.opened_at.get();
    if inner.heard.get() || (inner.opened_at.get() > 0.0 && lasted > STABLE_MS) {
        inner.attempt.set(0);
    }
    inner.opened_at.set(0.0);
    let delay = backoff::delay_ms(inner.attempt.get(), js_sys::Math::random());
    inner.attempt.set(inner.attempt.get().saturating_add(1));
    let weak = Rc::downgrade(inner);
    let retry = Closure::<dyn FnMut()>::new(move || {
        if let Some(inner) = weak.upgrade() {
            inner.timer.set(None);
            connect(&inner);
        }
    });
    cancel_timer(inner);
    let timer = web_sys::window().and_then(|window| {
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.as_ref().unchecked_ref(),
                i32::try_from(delay).unwrap_or(i32::MAX),
            )
            .ok()
    });
    inner.timer.set(timer);
    if let Some(old) = inner.retry.replace(Some(retry)) {
        retire(old);
    }
}

/// Reconnects at once when the browser comes back online, instead of waiting out a long delay.
fn watch_online(inner: &Rc<Inner>) {
    let weak = Rc::downgrade(inner);
    let online = EventClosure::new(move |_: Event| {
        if let Some(inner) = weak.upgrade() {
            if inner.wanted.get() && inner.state.get() == LinkState::Closed {
                cancel_timer(&inner);
                inner.attempt.set(0);
                connect(&inner);
            }
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    }
    *inner.online.borrow_mut() = Some(online);
}

fn cancel_timer(inner: &Inner) {
    if let (Some(id), Some(window)) = (inner.timer.take(), web_sys::window()) {
        window.clear_timeout_with_handle(id);
    }
}

/// Unhooks the current socket (so a late event from it is ignored) and returns it.
fn detach(inner: &Inner) -> Option<WebSocket> {
    let ws = inner.ws.borrow_mut().take();
    if let Some(ws) = &ws {
        ws.set_onopen(None);
        ws.set_onmessage(None);
        ws.set_onclose(None);
    }
    if let Some(listeners) = inner.listeners.borrow_mut().take() {
        retire(listeners);
    }
    ws
}

/// Drops JavaScript-facing closures after the current event has finished, since one of them
/// may be the closure that is running right now.
fn retire<T: 'static>(value: T) {
    wasm_bindgen_futures::spawn_local(async move { drop(value) });
}

fn set_state(inner: &Inner, state: LinkState) {
    if inner.state.replace(state) != state {
        (inner.handlers.on_state)(state);
    }
}
