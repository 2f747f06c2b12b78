//! Every cohort table's loader: any bytes give a table or an error naming file and line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revmentor::model::{Attendance, Briefing, Meeting, Pair, Participant, Response, Traits};
use revmentor::store::records::*;
use revmentor::store::table::Table;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let written = match which % 7 {
        0 => Table::<Participant>::parse(
            "participants.csv",
            bytes,
            columns(PARTICIPANT_COLUMNS),
            PARTICIPANT_REQUIRED,
        )
        .map(|t| t.to_bytes()),
        1 => Table::<Traits>::parse(
            "characteristics.csv",
            bytes,
            columns(&["id", "gender", "ethnicity"]),
            1,
        )
        .map(|t| t.to_bytes()),
        2 => Table::<Briefing>::parse(
            "briefings.csv",
            bytes,
            columns(BRIEFING_COLUMNS),
            BRIEFING_REQUIRED,
        )
        .map(|t| t.to_bytes()),
        3 => Table::<Attendance>::parse("attendance.csv", bytes, columns(ATTENDANCE_COLUMNS), 2)
            .map(|t| t.to_bytes()),
        4 => Table::<Pair>::parse(
            "matches.csv",
            bytes,
            columns(PAIR_COLUMNS),
            PAIR_COLUMNS.len(),
        )
        .map(|t| t.to_bytes()),
        5 => Table::<Meeting>::parse(
            "meetings.csv",
            bytes,
            columns(MEETING_COLUMNS),
            MEETING_COLUMNS.len(),
        )
        .map(|t| t.to_bytes()),
        _ => Table::<Response>::parse(
            "responses.csv",
            bytes,
            columns(RESPONSE_COLUMNS),
            RESPONSE_REQUIRED,
        )
        .map(|t| t.to_bytes()),
    };
    if let Err(e) = written {
        assert!(!e.to_string().is_empty());
    }
});
