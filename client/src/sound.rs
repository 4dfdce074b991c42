//! The new-message chime: a short two-note tone synthesised with the Web Audio API, so no audio
//! file is fetched. Both apps play it only when their person turned it on (the widget's sound
//! toggle, the inbox's alerts), whose click is also the user gesture browsers require before a
//! page may make sound.

use web_sys::{AudioContext, OscillatorType};

/// Plays the chime now. Best effort: a context the browser keeps suspended stays silent.
pub fn chime(audio: &AudioContext) {
    let at = audio.current_time();
    // Two soft sine notes, a fifth apart (A5, E6), each fading out quickly.
    for (i, hz) in [880.0_f32, 1318.5].into_iter().enumerate() {
        let start = at + 0.12 * i as f64;
        let _ = note(audio, hz, start);
    }
}

fn note(audio: &AudioContext, hz: f32, start: f64) -> Result<(), wasm_bindgen::JsValue> {
    let oscillator = audio.create_oscillator()?;
    let gain = audio.create_gain()?;
    oscillator.set_type(OscillatorType::Sine);
    oscillator.frequency().set_value(hz);
    let level = gain.gain();
    level.set_value_at_time(0.0001, start)?;
    level.exponential_ramp_to_value_at_time(0.15, start + 0.02)?;
    level.exponential_ramp_to_value_at_time(0.0001, start + 0.3)?;
    oscillator.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&audio.destination())?;
    oscillator.start_with_when(start)?;
    oscillator.stop_with_when(start + 0.32)
}
