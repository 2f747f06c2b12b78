//! The HTML reports in a real browser: Debian's headless Chromium lays out the pilot's summary and
//! the programme report at phone widths (360 and 420 px), takes a screenshot at 360 px and prints
//! both to PDF.
//!
//! The layout is measured by a test-only page: it holds the report, byte for byte as the binary
//! wrote it, in an `<iframe>` exactly as wide as a phone (a headless window is never narrower than
//! 500 px, a frame is), and a script that measures the report and writes a JSON verdict into its
//! own DOM, which `--dump-dom` prints. The reports themselves have no script.
//!
//! Skipped, with a line on stderr, only where no Chromium is installed; with
//! `REVMENTOR_REQUIRE_BROWSER=1` (as CI sets it) a missing browser is a failure.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::Workdir;

/// A day after the pilot's end: every section of its summary has figures.
const AFTER: &str = "2020-09-01";

/// How long one browser run may take before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The measuring script, run in the test page once the report in its frame has loaded. It lists
/// what the issue found wrong: the page wider than the phone, text cut with an ellipsis, charts
/// without a name, `<5` / `[c]` markers or chart text drawn below 12 CSS pixels (an SVG's text at
/// its size on screen, after the chart is scaled), headings a printed page may end with.
const PROBE: &str = r#"
function measure(frame) {
  var win = frame.contentWindow, doc = win.document, root = doc.documentElement;
  var v = { width: root.clientWidth, scroll_width: root.scrollWidth, cut: [], unnamed: [],
    small: [], markers: 0, svgs: 0, svg_texts: 0, headings: 0, loose_headings: [] };
  var own = function (el) {
    var t = '';
    for (var c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 3) t += c.nodeValue;
    return t.trim();
  };
  var all = doc.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var el = all[i], text = own(el), style = win.getComputedStyle(el);
    if (text.indexOf('\u2026') >= 0 ||
        (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth)) {
      v.cut.push(text.slice(0, 80));
    }
    var size = parseFloat(style.fontSize);
    var drawn = el.tagName.toLowerCase() === 'text' && el instanceof win.SVGGraphicsElement;
    if (drawn) {
      var m = el.getScreenCTM();
      size = size * Math.sqrt(m.a * m.a + m.b * m.b);
      v.svg_texts++;
    }
    var marker = /^(<\d+|\[c\])$/.test(text);
    if (marker) v.markers++;
    if ((marker || (drawn && text)) && !(size >= 11.99)) {
      v.small.push(text.slice(0, 40) + ' at ' + size.toFixed(1) + 'px');
    }
    if (/^H[1-6]$/.test(el.tagName)) {
      v.headings++;
      if (style.breakAfter !== 'avoid') v.loose_headings.push(text);
    }
  }
  var svgs = doc.getElementsByTagName('svg');
  v.svgs = svgs.length;
  for (var j = 0; j < svgs.length; j++) {
    var s = svgs[j], title = s.querySelector('title');
    var name = s.getAttribute('aria-label') || (title ? title.textContent : '');
    if (s.getAttribute('role') !== 'img' || name.trim().length < 20) v.unnamed.push(j);
  }
  return v;
}
addEventListener('load', function () {
  var verdicts = {}, frames = document.getElementsByTagName('iframe');
  for (var f = 0; f < frames.length; f++) verdicts[frames[f].id] = measure(frames[f]);
  var out = document.createElement('pre');
  out.id = 'verdict';
  out.textContent = JSON.stringify(verdicts).replace(/&/g, '\\u0026').replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e');
  document.body.appendChild(out);
});
"#;

/// A copy of the example cohort.
fn pilot() -> Workdir {
    Workdir::with_shipped("pilot-2020", "pilot-2020")
}

/// Debian's Chromium, or one on `PATH`.
fn browser() -> Option<PathBuf> {
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// The browser, or `None` after saying the test is skipped; a failure if CI requires one.
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = browser();
    if found.is_none() {
        assert!(
            std::env::var("REVMENTOR_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "REVMENTOR_REQUIRE_BROWSER=1 but no chromium: not at /usr/bin/chromium nor on PATH"
        );
        eprintln!("{test}: skipped: no chromium (install Debian's chromium to run it)");
    }
    found
}

/// One headless run on `page` with `flags`, its own profile folder `name` under `dir`; stdout.
fn chromium(browser: &Path, dir: &Path, name: &str, flags: &[String], page: &Path) -> String {
    let out_path = dir.join(format!("{name}.stdout"));
    let err_path = dir.join(format!("{name}.stderr"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-crash-reporter",
            "--hide-scrollbars",
            "--mute-audio",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join(format!("{name}.profile")).display()
        ))
        .args(flags)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium ({name}) still running after {TIMEOUT:?}: killed\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium ({name}) failed: {status}\n{}",
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    std::fs::read_to_string(&out_path).expect("stdout")
}

/// The verdicts the probe wrote for each of `frames` (a report, a width), by `report-width`.
fn verdicts(browser: &Path, dir: &Path, frames: &[(&str, u32)]) -> Value {
    let page = dir.join("probe.html");
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>probe</title></head>\n<body style=\"margin:0\">\n",
    );
    for (report, width) in frames {
        let _ = writeln!(
            html,
            "<iframe id=\"{report}-{width}\" src=\"{report}.html\" style=\"border:0;display:block;width:{width}px;height:20000px\"></iframe>"
        );
    }
    let _ = writeln!(html, "<script>{PROBE}</script></body></html>");
    std::fs::write(&page, html).expect("probe page");
    let dom = chromium(
        browser,
        dir,
        "probe",
        &[
            "--window-size=500,3000".to_string(),
            "--allow-file-access-from-files".to_string(),
            "--virtual-time-budget=5000".to_string(),
            "--dump-dom".to_string(),
        ],
        &page,
    );
    let json = dom
        .split("<pre id=\"verdict\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no verdict in the page:\n{dom}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// What a browser run on its own thread returned; its panic, if it failed.
fn join<T>(run: std::thread::ScopedJoinHandle<'_, T>) -> T {
    run.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"))
}

fn none(v: &Value, key: &str) -> bool {
    v[key].as_array().is_some_and(Vec::is_empty)
}

/// Every page of `pdf` is A4 (portrait, or landscape with `landscape`); how many pages.
fn a4_pages(pdf: &[u8], landscape: bool) -> usize {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = String::from_utf8_lossy(pdf);
    let boxes: Vec<(f64, f64)> = text
        .split("/MediaBox [")
        .skip(1)
        .map(|rest| {
            let numbers: Vec<f64> = rest
                .split(']')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .map(|n| n.parse().expect("a number"))
                .collect();
            (numbers[2] - numbers[0], numbers[3] - numbers[1])
        })
        .collect();
    assert!(!boxes.is_empty(), "no page in the PDF");
    let (w, h) = if landscape {
        (841.9, 595.3)
    } else {
        (595.3, 841.9)
    };
    for (bw, bh) in &boxes {
        assert!(
            (bw - w).abs() < 2.0 && (bh - h).abs() < 2.0,
            "a page of {bw}×{bh} pt, not A4 ({w}×{h})"
        );
    }
    boxes.len()
}

#[test]
fn html_reports_fit_a_phone_and_print_on_a4_in_chromium() {
    let Some(browser) = browser_or_skip("html_reports_fit_a_phone_and_print_on_a4_in_chromium")
    else {
        return;
    };
    let w = pilot();
    let dir = w.path().join("browser");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (report, line) in [
        ("summary", "export pilot-2020 --format html"),
        ("programme", "export --programme --format html"),
    ] {
        let html = w.sh_on(AFTER, line).ok().stdout;
        assert_eq!(
            html,
            w.sh_on(AFTER, line).ok().stdout,
            "{report}: same input, same bytes"
        );
        // Self-contained: nothing to fetch, nothing to run.
        for outside in ["<script", " src=", " href=", "url(", "@import"] {
            assert!(!html.contains(outside), "{report} holds {outside}");
        }
        std::fs::write(dir.join(format!("{report}.html")), html).expect("write report");
    }

    let runs: Vec<(&str, u32)> = vec![
        ("summary", 360),
        ("summary", 420),
        ("programme", 360),
        ("programme", 420),
    ];
    let (verdicts, screenshot, pdfs) = std::thread::scope(|s| {
        let verdicts = s.spawn(|| verdicts(&browser, &dir, &runs));
        let screenshot = s.spawn(|| {
            let png = dir.join("summary-360.png");
            chromium(
                &browser,
                &dir,
                "screenshot",
                &[
                    "--window-size=360,3000".to_string(),
                    format!("--screenshot={}", png.display()),
                ],
                &dir.join("summary.html"),
            );
            std::fs::read(png).expect("the screenshot")
        });
        let pdfs: Vec<_> = ["summary", "programme"]
            .into_iter()
            .map(|report| {
                let (browser, dir) = (&browser, &dir);
                s.spawn(move || {
                    let pdf = dir.join(format!("{report}.pdf"));
                    chromium(
                        browser,
                        dir,
                        &format!("{report}-print"),
                        &[
                            "--no-pdf-header-footer".to_string(),
                            format!("--print-to-pdf={}", pdf.display()),
                        ],
                        &dir.join(format!("{report}.html")),
                    );
                    std::fs::read(pdf).expect("the PDF")
                })
            })
            .collect();
        (
            join(verdicts),
            join(screenshot),
            pdfs.into_iter().map(join).collect::<Vec<Vec<u8>>>(),
        )
    });

    for (report, width) in &runs {
        let v = &verdicts[format!("{report}-{width}")];
        let at = format!("{report} at {width} px: {v}");
        assert_eq!(count(v, "width"), u64::from(*width), "{at}");
        assert!(
            count(v, "scroll_width") <= count(v, "width"),
            "the page is wider than the phone: {at}"
        );
        assert!(none(v, "cut"), "text cut short: {at}");
        assert!(none(v, "unnamed"), "a chart without a name: {at}");
        assert!(none(v, "small"), "text below 12 px: {at}");
        assert!(none(v, "loose_headings"), "a heading may end a page: {at}");
        // Not vacuous: the pilot holds back figures, and the summary draws its four charts.
        assert!(count(v, "markers") > 0, "no marker measured: {at}");
        assert!(count(v, "headings") >= 4, "{at}");
        if *report == "summary" {
            assert_eq!(count(v, "svgs"), 4, "{at}");
            assert!(count(v, "svg_texts") > 40, "{at}");
        }
    }

    assert!(
        screenshot.starts_with(b"\x89PNG\r\n\x1a\n") && &screenshot[12..16] == b"IHDR",
        "not a PNG"
    );
    let dimension =
        |at: usize| u32::from_be_bytes(screenshot[at..at + 4].try_into().expect("four bytes"));
    assert_eq!(
        (dimension(16), dimension(20)),
        (360, 3000),
        "screenshot size"
    );
    assert!(
        screenshot.len() > 20_000,
        "a near-empty screenshot: {} bytes",
        screenshot.len()
    );

    let summary_pages = a4_pages(&pdfs[0], false);
    assert!(summary_pages >= 2, "the summary on {summary_pages} page(s)");
    assert!(a4_pages(&pdfs[1], true) >= 1);
    for pdf in &pdfs {
        assert!(pdf.len() > 10_000, "a near-empty PDF: {} bytes", pdf.len());
    }
}
