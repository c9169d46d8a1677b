//! The start of the small one-table pages (`diff`, `status`): one
//! self-contained document, no script, nothing from the network.

/// The document up to `<body>`: `title` (a fixed text, not escaped) and the
/// shared table style, then `css` for the page's own classes.
pub(crate) fn page_start(title: &str, css: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}}\
         table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}\
         th{{background:#f3f3f3}}code{{font-family:ui-monospace,monospace}}{css}\
         </style></head><body>\n"
    )
}
