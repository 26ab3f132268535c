//! The engine's names, handed to JavaScript once at load so that no name is written twice:
//! fields with their kinds, backoff and jitter names, stop reasons and presets.

use alloc::string::String;

use crate::engine::env::DEFAULT_PREFIX;
use crate::engine::presets::PRESET_NAMES;
use crate::engine::{Backoff, Field, FieldKind, Jitter, StopReason};
use wasm_bindgen::prelude::*;

/// JSON text: `{"fields":[[name,kind],…],"envNames":[…],"envPrefix":…,"backoff":[…],"jitter":[…],"stopReasons":[…],
/// "presets":[…]}`. Written by hand (all names are plain ASCII) to keep serde out of the module.
#[wasm_bindgen(js_name = engineTables)]
pub fn engine_tables() -> String {
    let mut out = String::with_capacity(512);
    out.push_str("{\"fields\":[");
    for (i, field) in Field::ALL.into_iter().enumerate() {
        let kind = match field.kind() {
            FieldKind::Number => "number",
            FieldKind::Duration => "duration",
            FieldKind::Name => "name",
            FieldKind::Names => "names",
        };
        if i > 0 {
            out.push(',');
        }
        push_strings(&mut out, &[field.name(), kind]);
    }
    out.push_str("],\"envNames\":");
    push_strings(&mut out, &Field::ALL.map(Field::env_name));
    out.push_str(",\"envPrefix\":\"");
    out.push_str(DEFAULT_PREFIX);
    out.push_str("\",\"backoff\":");
    push_strings(&mut out, &Backoff::ALL.map(Backoff::name));
    out.push_str(",\"jitter\":");
    push_strings(&mut out, &Jitter::ALL.map(Jitter::name));
    out.push_str(",\"stopReasons\":");
    push_strings(
        &mut out,
        &[
            StopReason::Attempts,
            StopReason::Deadline,
            StopReason::NotRetryable,
        ]
        .map(StopReason::name),
    );
    out.push_str(",\"presets\":");
    push_strings(&mut out, &PRESET_NAMES);
    out.push('}');
    out
}

fn push_strings(out: &mut String, items: &[&str]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(item);
        out.push('"');
    }
    out.push(']');
}
