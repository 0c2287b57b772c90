//! What a search hit shows of its match, as GitHub's `textMatches` do: for each field where a
//! query word occurs, a fragment of the field's text around the first occurrence and where in
//! the fragment each matched word stands.

use unicode_normalization::char::is_combining_mark;

use super::search::{closeness, Field};
use crate::model::text::fold;

/// A field's text is shown whole up to this many characters; a longer one is cut to a fragment
/// of about this length.
const FRAGMENT_CHARS: usize = 240;
/// How much of the text before the first matched word a cut fragment keeps.
const LEAD_CHARS: usize = 80;
/// Marks a cut at either end of a fragment.
const ELLIPSIS: char = '…';

/// One field's match.
#[derive(Debug, Clone, PartialEq)]
pub struct TextMatch {
    /// The API field the text is read from.
    pub field: &'static str,
    pub fragment: String,
    /// The matched words, in order, by position in `fragment`.
    pub highlights: Vec<Highlight>,
}

/// A matched word: its text and its position in the fragment, in characters (Unicode scalar
/// values), `end` exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl TextMatch {
    /// The fragment with every matched word in `**`, for reading as it is or as Markdown.
    pub fn marked(&self) -> String {
        let mut out = String::with_capacity(self.fragment.len() + 4 * self.highlights.len());
        let mut highlights = self.highlights.iter().peekable();
        for (i, c) in self.fragment.chars().enumerate() {
            if highlights.peek().is_some_and(|h| h.start == i) {
                out.push_str("**");
            }
            out.push(c);
            if highlights.peek().is_some_and(|h| h.end == i + 1) {
                out.push_str("**");
                highlights.next();
            }
        }
        out
    }
}

/// The words of `text` as search folds them, each with its span in characters.
fn words_with_spans(text: &str) -> Vec<(String, usize, usize)> {
    let mut spans = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut count = 0;
    for (i, c) in text.chars().enumerate() {
        count = i + 1;
        // The characters `fold` keeps inside a word; a combining mark belongs to its letter.
        if c.is_alphanumeric() || c == '&' || (current.is_some() && is_combining_mark(c)) {
            current.get_or_insert_with(|| (i, String::new())).1.push(c);
        } else if let Some((start, word)) = current.take() {
            spans.push((fold(&word), start, i));
        }
    }
    if let Some((start, word)) = current {
        spans.push((fold(&word), start, count));
    }
    spans
}

/// A matched word's start and end (characters) and the query word it matched.
type Span = (usize, usize, usize);

/// Where in `text` the query words occur: each word of the text close to some query word.
fn highlights(text: &str, query: &[String]) -> Vec<Span> {
    words_with_spans(text)
        .into_iter()
        .filter_map(|(word, start, end)| query.iter().position(|q| closeness(q, &word).is_some()).map(|q| (start, end, q)))
        .collect()
}

/// The match in one text: cut around the first matched word when the text is long.
fn text_match(field: Field, text: &str, spans: &[Span]) -> TextMatch {
    let chars: Vec<char> = text.chars().collect();
    let (mut from, mut to) = (0, chars.len());
    if chars.len() > FRAGMENT_CHARS {
        let first = spans.first().map_or(0, |s| s.0);
        from = first.saturating_sub(LEAD_CHARS);
        // Start and end on word boundaries, so no word is cut.
        while from > 0 && !chars[from - 1].is_whitespace() {
            from += 1;
            if from >= first {
                from = first;
                break;
            }
        }
        to = (from + FRAGMENT_CHARS).min(chars.len());
        while to < chars.len() && to > from && !chars[to].is_whitespace() {
            to -= 1;
        }
        if to <= from {
            to = (from + FRAGMENT_CHARS).min(chars.len());
        }
    }
    let lead = usize::from(from > 0);
    let mut fragment: String = if from > 0 { ELLIPSIS.to_string() } else { String::new() };
    fragment.push_str(chars[from..to].iter().collect::<String>().trim_end());
    let kept = fragment.chars().count() - lead;
    if to < chars.len() {
        fragment.push(ELLIPSIS);
    }
    let highlights = spans
        .iter()
        .filter(|(start, end, _)| *start >= from && *end <= from + kept)
        .map(|&(start, end, _)| Highlight { text: chars[start..end].iter().collect(), start: start - from + lead, end: end - from + lead })
        .collect();
    TextMatch { field: field.name(), fragment, highlights }
}

/// The text matches of a record for the folded query words: at most one per field (the text of
/// that field matching the most query words), `first` first, then by the field's order of
/// importance.
pub fn text_matches(fields: &[(Field, &str)], query: &[String], first: Field) -> Vec<TextMatch> {
    // Per field: its best text, that text's matched spans, and how many query words they match.
    let mut best: Vec<(Field, &str, Vec<Span>, usize)> = Vec::new();
    for &(field, text) in fields {
        let spans = highlights(text, query);
        let mut words: Vec<usize> = spans.iter().map(|s| s.2).collect();
        words.sort_unstable();
        words.dedup();
        if words.is_empty() {
            continue;
        }
        match best.iter_mut().find(|b| b.0 == field) {
            Some(b) if b.3 >= words.len() => {}
            Some(b) => *b = (field, text, spans, words.len()),
            None => best.push((field, text, spans, words.len())),
        }
    }
    best.sort_by(|a, b| (b.0 == first).cmp(&(a.0 == first)).then(a.0.index().cmp(&b.0.index())));
    best.into_iter().map(|(field, text, spans, _)| text_match(field, text, &spans)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn short_texts_are_whole_and_every_matched_word_is_placed() {
        let found = text_matches(&[(Field::Name, "Naval Mine Warfare (NMW)"), (Field::Code, "nmw")], &query(&["mine"]), Field::Name);
        assert_eq!(found.len(), 1);
        let m = &found[0];
        assert_eq!((m.field, m.fragment.as_str()), ("name", "Naval Mine Warfare (NMW)"));
        assert_eq!(m.highlights, [Highlight { text: "Mine".into(), start: 6, end: 10 }]);
        assert_eq!(m.marked(), "Naval **Mine** Warfare (NMW)");
    }

    #[test]
    fn plurals_prefixes_misspellings_and_diacritics_match_as_search_does() {
        let text = "Türkiye trains drone pilots; drones, droneships and Lithuania.";
        let m = &text_matches(&[(Field::Purpose, text)], &query(&["turkiye", "drone", "lithuana"]), Field::Purpose)[0];
        let words: Vec<&str> = m.highlights.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(words, ["Türkiye", "drone", "drones", "droneships", "Lithuania"]);
        for h in &m.highlights {
            assert_eq!(m.fragment.chars().skip(h.start).take(h.end - h.start).collect::<String>(), h.text);
        }
    }

    #[test]
    fn long_texts_are_cut_on_word_boundaries_around_the_first_match() {
        let text = format!("{} Zadar hosts the training. {}", "word ".repeat(100), "more ".repeat(100));
        let m = &text_matches(&[(Field::Purpose, &text)], &query(&["zadar"]), Field::Purpose)[0];
        assert!(m.fragment.starts_with("…word ") && m.fragment.ends_with("more…"), "{}", m.fragment);
        assert!(m.fragment.chars().count() <= FRAGMENT_CHARS + 2);
        let h = &m.highlights[0];
        assert_eq!(m.fragment.chars().skip(h.start).take(h.end - h.start).collect::<String>(), "Zadar");
    }

    #[test]
    fn the_first_field_leads_and_each_field_appears_once() {
        let fields =
            [(Field::Aliases, "UAVs"), (Field::Aliases, "drones"), (Field::Purpose, "drones and more drones"), (Field::Name, "Aircraft")];
        let found = text_matches(&fields, &query(&["drone"]), Field::Aliases);
        let names: Vec<&str> = found.iter().map(|m| m.field).collect();
        assert_eq!(names, ["aliases", "purpose"]);
        assert_eq!(found[0].fragment, "drones");
    }
}
