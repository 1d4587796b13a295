//! A meeting's simultaneous interpretation as the spec writes it: shared by the meeting object
//! (`meetings.rs`) and the interpreter operations (`meeting_setup.rs`).

use kaigi_core::model::{Interpretation, Interpreter, Meeting};
use serde::Serialize;

/// An interpreter as the spec writes it (`GetInterpreterObject`, and the items of a meeting's
/// `simultaneousInterpretation.interpreters`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InterpreterOut<'a> {
    id: &'a str,
    language_code1: &'a str,
    language_code2: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
}

pub(crate) fn interpreter_out(i: &Interpreter) -> InterpreterOut<'_> {
    InterpreterOut {
        id: &i.id,
        language_code1: &i.language1,
        language_code2: &i.language2,
        email: i.email.as_deref(),
        display_name: i.display_name.as_deref(),
    }
}

/// A meeting's `simultaneousInterpretation`: `enabled`, and its interpreters when it has any.
#[derive(Serialize)]
pub(crate) struct InterpretationOut<'a> {
    enabled: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    interpreters: Vec<InterpreterOut<'a>>,
}

pub(crate) fn interpretation_out(m: &Meeting) -> InterpretationOut<'_> {
    match &m.options.conduct.interpretation {
        Some(i) => interpretation_of(i),
        None => InterpretationOut { enabled: false, interpreters: Vec::new() },
    }
}

pub(crate) fn interpretation_of(i: &Interpretation) -> InterpretationOut<'_> {
    InterpretationOut { enabled: i.enabled, interpreters: i.interpreters.iter().map(interpreter_out).collect() }
}
