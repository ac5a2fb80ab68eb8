//! Local-time formatting through the browser's `Date` (the time zone lives there).

use crate::chat::Millis;
use wasm_bindgen::JsValue;

fn date(ms: Millis) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(ms as f64))
}

/// "14:05"
pub fn clock(ms: Millis) -> String {
    let d = date(ms);
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// Local calendar day, for grouping.
pub fn day_key(ms: Millis) -> (u32, u32, u32) {
    let d = date(ms);
    (d.get_full_year(), d.get_month(), d.get_date())
}

/// "Today", "Yesterday" or a date like "Mon Nov 23 2026".
pub fn day_label(ms: Millis, now: Millis) -> String {
    let key = day_key(ms);
    if key == day_key(now) {
        return "Today".into();
    }
    if key == day_key(now.saturating_sub(86_400_000)) {
        return "Yesterday".into();
    }
    String::from(date(ms).to_date_string())
}

/// Chat-list time: the clock today, else the date.
pub fn short(ms: Millis, now: Millis) -> String {
    if ms == 0 {
        return String::new();
    }
    if day_key(ms) == day_key(now) {
        clock(ms)
    } else {
        let d = date(ms);
        format!("{}/{}", d.get_date(), d.get_month() + 1)
    }
}

/// "today at 14:05", "yesterday at 09:30" or "on Mon Nov 23 2026 at 18:00".
pub fn relative(ms: Millis, now: Millis) -> String {
    let day = match day_label(ms, now).as_str() {
        "Today" => "today".to_owned(),
        "Yesterday" => "yesterday".to_owned(),
        other => format!("on {other}"),
    };
    format!("{day} at {}", clock(ms))
}
