//! Reading request values the way clients write them: booleans in any case, numbers with leading
//! zeros, 1-based list windows, `order` pairs interleaved or grouped.

use chrono::{DateTime, NaiveDateTime, Utc};
use kaigi_core::rules::timezone;

use crate::codes::Failure;
use crate::element::Element;

pub fn parse_bool(field: &str, text: &str) -> Result<bool, Failure> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Failure::invalid(field, "must be true or false")),
    }
}

/// A boolean child; absent or empty → None.
pub fn opt_bool(el: &Element, name: &str) -> Result<Option<bool>, Failure> {
    el.value_of(name).map(|t| parse_bool(name, t)).transpose()
}

pub fn parse_num<T: std::str::FromStr>(field: &str, text: &str) -> Result<T, Failure> {
    text.trim().parse::<T>().map_err(|_| Failure::invalid(field, "must be a number"))
}

pub fn opt_num<T: std::str::FromStr>(el: &Element, name: &str) -> Result<Option<T>, Failure> {
    el.value_of(name).map(|t| parse_num(name, t)).transpose()
}

pub fn opt_string(el: &Element, name: &str) -> Option<String> {
    el.text_of(name).map(str::to_string)
}

/// A wire date-time (`MM/DD/YYYY HH:MM:SS`, unpadded parts allowed).
pub fn opt_datetime(el: &Element, name: &str) -> Result<Option<NaiveDateTime>, Failure> {
    el.value_of(name)
        .map(|t| timezone::parse_wire_datetime(t).ok_or_else(|| Failure::invalid(name, "must be MM/DD/YYYY HH:MM:SS")))
        .transpose()
}

/// A wire date-time read in GMT.
pub fn opt_gmt(el: &Element, name: &str) -> Result<Option<DateTime<Utc>>, Failure> {
    Ok(opt_datetime(el, name)?.map(|n| n.and_utc()))
}

/// `listControl`: (rows to skip, rows wanted, listMethod OR?). `startFrom` is 1-based; 0 is read
/// as 1, as clients that count from 0 expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListWindow {
    pub start_from: u32,
    pub maximum: u32,
    pub match_any: bool,
}

pub fn list_control(body: &Element, default_max: u32) -> Result<ListWindow, Failure> {
    let mut window = ListWindow { start_from: 1, maximum: default_max, match_any: false };
    if let Some(lc) = body.child("listControl") {
        if let Some(start) = opt_num::<u32>(lc, "startFrom")? {
            window.start_from = start.max(1);
        }
        if let Some(max) = opt_num::<u32>(lc, "maximumNum")? {
            window.maximum = max;
        }
        if let Some(method) = lc.value_of("listMethod") {
            window.match_any = match method.to_ascii_uppercase().as_str() {
                "OR" => true,
                "AND" => false,
                _ => return Err(Failure::invalid("listMethod", "must be AND or OR")),
            };
        }
    }
    Ok(window)
}

/// `order`: (orderBy, descending) pairs. Clients send the pairs interleaved
/// (`orderBy, orderAD, orderBy, orderAD`) or grouped (`orderBy, orderBy, orderAD, orderAD`); the
/// n-th orderAD goes with the n-th orderBy either way.
pub fn order(body: &Element) -> Result<Vec<(String, bool)>, Failure> {
    let Some(order) = body.child("order") else { return Ok(Vec::new()) };
    let by: Vec<&str> = order.children_named("orderBy").map(|e| e.text.as_str()).collect();
    let ad: Vec<&str> = order.children_named("orderAD").map(|e| e.text.as_str()).collect();
    by.iter()
        .enumerate()
        .map(|(i, field)| {
            let desc = match ad.get(i).map(|s| s.to_ascii_uppercase()) {
                None => false,
                Some(s) if s == "ASC" || s.is_empty() => false,
                Some(s) if s == "DESC" => true,
                Some(_) => return Err(Failure::invalid("orderAD", "must be ASC or DESC")),
            };
            Ok((field.to_ascii_uppercase(), desc))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(xml: &str) -> Element {
        Element::parse(xml).unwrap()
    }

    #[test]
    fn booleans_in_any_case() {
        assert_eq!(parse_bool("x", "TRUE"), Ok(true));
        assert_eq!(parse_bool("x", " false "), Ok(false));
        assert!(parse_bool("x", "maybe").is_err());
    }

    #[test]
    fn order_pairs_interleaved_or_grouped() {
        let interleaved = el("<b><order><orderBy>EMAIL</orderBy><orderAD>DESC</orderAD><orderBy>UID</orderBy><orderAD>ASC</orderAD></order></b>");
        let grouped = el("<b><order><orderBy>EMAIL</orderBy><orderBy>UID</orderBy><orderAD>DESC</orderAD><orderAD>ASC</orderAD></order></b>");
        let want = vec![("EMAIL".to_string(), true), ("UID".to_string(), false)];
        assert_eq!(order(&interleaved).unwrap(), want);
        assert_eq!(order(&grouped).unwrap(), want);
    }

    #[test]
    fn list_window_counts_from_one() {
        let w = list_control(&el("<b><listControl><serv:startFrom>0</serv:startFrom><maximumNum>5</maximumNum><listMethod>or</listMethod></listControl></b>"), 10).unwrap();
        assert_eq!(w, ListWindow { start_from: 1, maximum: 5, match_any: true });
        assert_eq!(list_control(&el("<b/>"), 10).unwrap().maximum, 10);
    }
}
