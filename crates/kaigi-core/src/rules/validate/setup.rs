//! Checks on a meeting's setup (interpreters, breakout sessions, invitation sources): each item
//! as it is asked for, then the setup as a whole after a change, so every way of changing it
//! (one interpreter, the whole list, a PUT of the sessions) keeps the same rules.

use crate::error::{Error, Field, Result};
use crate::model::{
    BreakoutRequest, BreakoutSession, Conduct, Interpreter, InterpreterRequest, InvitationSource,
    InvitationSourceRequest,
};
use crate::rules::limits::{
    MAX_BREAKOUT_INVITEES, MAX_BREAKOUT_SESSIONS, MAX_INTERPRETERS, MAX_INVITATION_SOURCES, MAX_SETUP_TEXT,
};
use crate::rules::validate::meeting::refuse_control;
use crate::rules::validate::valid_email;

/// The ISO 639-1 language codes (two letters), which the spec names for interpretation channels.
const ISO_639_1: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// An ISO 639-1 code, in lower case.
pub fn language_code(field: Field, value: &str) -> Result<String> {
    let code = value.trim().to_ascii_lowercase();
    if ISO_639_1.binary_search(&code.as_str()).is_err() {
        return Err(Error::invalid(field, format!("'{value}' is not an ISO 639-1 language code (such as en or de)")));
    }
    Ok(code)
}

/// A name or id of the setup: not empty unless `optional`, one line, at most [`MAX_SETUP_TEXT`].
fn setup_text(field: Field, value: &str, optional: bool) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return if optional { Ok(None) } else { Err(Error::invalid(field, format!("{field} is required"))) };
    }
    if v.chars().count() > MAX_SETUP_TEXT {
        return Err(Error::invalid(field, format!("longer than {MAX_SETUP_TEXT} characters")));
    }
    refuse_control(field, v)?;
    Ok(Some(v.to_string()))
}

/// One interpreter as asked for, with the id it has (or is given).
pub fn interpreter(id: String, r: &InterpreterRequest) -> Result<Interpreter> {
    let language1 = language_code(Field::LanguageCode1, &r.language1)?;
    let language2 = language_code(Field::LanguageCode2, &r.language2)?;
    if language1 == language2 {
        return Err(Error::invalid(Field::LanguageCode2, "must differ from languageCode1"));
    }
    let email = match r.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(valid_email(e)?),
        None => None,
    };
    let display_name = setup_text(Field::DisplayName, r.display_name.as_deref().unwrap_or_default(), true)?;
    Ok(Interpreter { id, language1, language2, email, display_name })
}

/// Breakout sessions as asked for (a whole new list), each with the id given to it.
pub fn breakout_sessions(list: &[BreakoutRequest], ids: &[String]) -> Result<Vec<BreakoutSession>> {
    let mut out = Vec::with_capacity(list.len());
    for (r, id) in list.iter().zip(ids) {
        let name = setup_text(Field::Name, &r.name, false)?.unwrap_or_default();
        let invitees = r.invitees.iter().map(|e| valid_email(e)).collect::<Result<Vec<_>>>()?;
        out.push(BreakoutSession { id: id.clone(), name, invitees });
    }
    if out.len() < list.len() {
        return Err(Error::invalid(Field::BreakoutSessions, "an id is missing for a breakout session"));
    }
    Ok(out)
}

/// One invitation source as asked for, with its id.
pub fn invitation_source(id: String, r: &InvitationSourceRequest) -> Result<InvitationSource> {
    let source_id = setup_text(Field::SourceId, &r.source_id, false)?.unwrap_or_default();
    if r.source_email.trim().is_empty() {
        return Err(Error::invalid(Field::SourceEmail, "sourceEmail is required"));
    }
    let source_email =
        valid_email(&r.source_email).map_err(|_| Error::invalid(Field::SourceEmail, "is not a valid email address"))?;
    Ok(InvitationSource { id, source_id, source_email })
}

/// Interpreters sent with interpretation turned off (the spec's rule for its update).
pub fn interpreters_while_off(enabled: bool, sent: usize) -> Result<()> {
    if !enabled && sent > 0 {
        return Err(Error::invalid(
            Field::Interpreters,
            "'interpreters' should be empty when simultaneous interpretation is disabled.",
        ));
    }
    Ok(())
}

/// The setup as a whole, after a change: counts within their limits, nobody interpreting twice
/// or in two breakout sessions, and no breakout
/// sessions beside interpretation (the spec: "Breakout session is not supported for a meeting
/// with simultaneous interpretation").
pub fn check_setup(c: &Conduct) -> Result<()> {
    let interpreters: &[Interpreter] = c.interpretation.as_ref().map_or(&[], |i| &i.interpreters);
    let interpreting = c.interpretation.as_ref().is_some_and(|i| i.enabled);
    if interpreters.len() > MAX_INTERPRETERS {
        return Err(Error::invalid(Field::Interpreters, format!("at most {MAX_INTERPRETERS} per meeting")));
    }
    for (i, a) in interpreters.iter().enumerate() {
        if let Some(email) = &a.email {
            if interpreters[..i].iter().any(|b| b.email.as_ref() == Some(email)) {
                return Err(Error::invalid(Field::Email, format!("'{email}' is found in more than one interpreter.")));
            }
        }
    }
    let sessions: &[BreakoutSession] = c.breakout_sessions.as_deref().unwrap_or_default();
    if sessions.len() > MAX_BREAKOUT_SESSIONS {
        return Err(Error::invalid(
            Field::BreakoutSessions,
            format!("at most {MAX_BREAKOUT_SESSIONS} breakout sessions"),
        ));
    }
    let assigned: Vec<&String> = sessions.iter().flat_map(|s| &s.invitees).collect();
    if assigned.len() > MAX_BREAKOUT_INVITEES {
        return Err(Error::invalid(
            Field::Invitees,
            format!("at most {MAX_BREAKOUT_INVITEES} invitees in all breakout sessions together"),
        ));
    }
    for (i, e) in assigned.iter().enumerate() {
        if assigned[..i].contains(e) {
            return Err(Error::invalid(
                Field::Invitees,
                format!("'{e}' is assigned to more than one breakout session."),
            ));
        }
    }
    if interpreting && !sessions.is_empty() {
        return Err(Error::invalid(
            Field::BreakoutSessions,
            "Breakout sessions are not supported for a meeting with simultaneous interpretation.",
        ));
    }
    let sources: &[InvitationSource] = c.invitation_sources.as_deref().unwrap_or_default();
    if sources.len() > MAX_INVITATION_SOURCES {
        return Err(Error::invalid(
            Field::InvitationSources,
            format!("at most {MAX_INVITATION_SOURCES} invitation sources"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Interpretation;

    fn asked(l1: &str, l2: &str, email: Option<&str>) -> InterpreterRequest {
        InterpreterRequest {
            language1: l1.into(),
            language2: l2.into(),
            email: email.map(str::to_string),
            display_name: None,
        }
    }

    #[test]
    fn language_codes_are_iso_639_1() {
        assert!(ISO_639_1.windows(2).all(|w| w[0] < w[1]), "sorted, for the binary search");
        assert_eq!(language_code(Field::LanguageCode1, " DE ").unwrap(), "de");
        for bad in ["", "eng", "xx", "en-US", "zz"] {
            let e = language_code(Field::LanguageCode1, bad).unwrap_err();
            assert!(matches!(e, Error::Invalid { field: Field::LanguageCode1, .. }), "{bad}: {e:?}");
        }
        let same = interpreter("1".into(), &asked("en", "EN", None)).unwrap_err();
        assert!(matches!(same, Error::Invalid { field: Field::LanguageCode2, .. }));
        let bad_mail = interpreter("1".into(), &asked("en", "de", Some("nobody"))).unwrap_err();
        assert!(matches!(bad_mail, Error::Invalid { field: Field::Email, .. }));
        let empty = interpreter("1".into(), &asked("en", "de", Some(" "))).unwrap();
        assert_eq!(empty.email, None, "an empty email is an interpreter still to be named");
    }

    #[test]
    fn the_setup_as_a_whole() {
        let one = |email: &str| interpreter(email.into(), &asked("en", "fr", Some(email))).unwrap();
        let mut c = Conduct {
            interpretation: Some(Interpretation { enabled: true, interpreters: vec![one("a@x.example")] }),
            ..Conduct::default()
        };
        check_setup(&c).unwrap();
        c.interpretation.as_mut().unwrap().interpreters.push(one("a@x.example"));
        assert!(matches!(check_setup(&c), Err(Error::Invalid { field: Field::Email, .. })));
        c.interpretation.as_mut().unwrap().interpreters.pop();
        assert!(matches!(interpreters_while_off(false, 1), Err(Error::Invalid { field: Field::Interpreters, .. })));
        interpreters_while_off(true, 1).unwrap();
        interpreters_while_off(false, 0).unwrap();
        c.interpretation = Some(Interpretation { enabled: true, interpreters: Vec::new() });
        let ids: Vec<String> = (0..2).map(|i| i.to_string()).collect();
        let ask = |name: &str, who: &[&str]| BreakoutRequest {
            name: name.into(),
            invitees: who.iter().map(|w| w.to_string()).collect(),
        };
        c.breakout_sessions = Some(breakout_sessions(&[ask("A", &["p@x.example"])], &ids).unwrap());
        assert!(matches!(check_setup(&c), Err(Error::Invalid { field: Field::BreakoutSessions, .. })));
        c.interpretation = None;
        check_setup(&c).unwrap();
        c.breakout_sessions =
            Some(breakout_sessions(&[ask("A", &["p@x.example"]), ask("B", &["P@x.example"])], &ids).unwrap());
        assert!(matches!(check_setup(&c), Err(Error::Invalid { field: Field::Invitees, .. })));
        assert!(matches!(breakout_sessions(&[ask(" ", &[])], &ids), Err(Error::Invalid { field: Field::Name, .. })));
        let many: Vec<BreakoutSession> = (0..=MAX_BREAKOUT_SESSIONS)
            .map(|i| BreakoutSession { id: i.to_string(), name: "n".into(), invitees: Vec::new() })
            .collect();
        c.breakout_sessions = Some(many);
        assert!(matches!(check_setup(&c), Err(Error::Invalid { field: Field::BreakoutSessions, .. })));
        let src = InvitationSourceRequest { source_id: "cisco".into(), source_email: "nope".into() };
        assert!(matches!(invitation_source("1".into(), &src), Err(Error::Invalid { field: Field::SourceEmail, .. })));
    }
}
