//! Text folding for lookups and search: case- and diacritic-insensitive keys.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Folds `Türkiye`, `TURKIYE` and ` türkiye ` to `turkiye`: NFD, drop combining marks, lowercase,
/// punctuation to spaces, whitespace collapsed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() || c == '&' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Türkiye"), "turkiye");
        assert_eq!(fold("  TÜRKIYE "), "turkiye");
        assert_eq!(fold("C-SOCC"), "c socc");
        assert_eq!(fold("CBRN-D&I"), "cbrn d&i");
        assert_eq!(fold("the  Netherlands"), "the netherlands");
    }
}

/// Levenshtein distance (in characters), or `max + 1` when it exceeds `max`.
pub fn edit_distance_within(a: &str, b: &str, max: usize) -> usize {
    // Most vocabulary words differ in length by more than `max`: tell before computing.
    if a.chars().count().abs_diff(b.chars().count()) > max {
        return max + 1;
    }
    strsim::levenshtein(a, b).min(max + 1)
}

/// Words too common to rank anything.
pub const STOPWORDS: [&str; 14] = ["a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "the", "to", "with"];

/// The folded words of `text` worth indexing or searching for.
pub fn words(text: &str) -> impl Iterator<Item = String> {
    fold(text).split(' ').filter(|w| !w.is_empty() && !STOPWORDS.contains(w)).map(str::to_owned).collect::<Vec<_>>().into_iter()
}

#[cfg(test)]
mod distance_tests {
    use super::{edit_distance_within, words};

    #[test]
    fn counts_edits_and_stops_early() {
        assert_eq!(edit_distance_within("turkiye", "turkiye", 2), 0);
        assert_eq!(edit_distance_within("lithuania", "lithuana", 2), 1);
        assert_eq!(edit_distance_within("netherlands", "nehterlands", 2), 2);
        assert_eq!(edit_distance_within("france", "germany", 2), 3);
    }

    #[test]
    fn words_skip_stopwords() {
        assert_eq!(words("The Network of CBRN Defence Facilities").collect::<Vec<_>>(), ["network", "cbrn", "defence", "facilities"]);
    }
}
