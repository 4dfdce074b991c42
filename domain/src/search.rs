//! Turning what an agent types into the search box into safe queries: an FTS5 `MATCH`
//! expression for message text (every word must appear; the last may be the start of a word,
//! as the agent is still typing it) and a `LIKE` pattern for names and e-mail addresses. Every
//! word is quoted, so nothing typed is ever read as FTS5 syntax (`AND`, `NEAR`, `*`, `"`,
//! column filters), and `%`, `_` and `\` are escaped for `LIKE … ESCAPE '\'`.

/// Most characters of a search.
pub const QUERY_MAX_CHARS: usize = 200;

/// The FTS5 expression for `input`, or `None` when it has no word to look for.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(10)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query = rest.join(" ");
    if !query.is_empty() {
        query.push(' ');
    }
    query.push_str(last);
    query.push('*');
    Some(query)
}

/// The `LIKE` pattern finding `input` anywhere (case is ignored by SQLite for ASCII).
pub fn like_pattern(input: &str) -> String {
    let mut pattern = String::from("%");
    for c in input.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_query("rye bread").as_deref(),
            Some("\"rye\" \"bread\"*")
        );
        assert_eq!(fts_query("  Sourdough ").as_deref(), Some("\"Sourdough\"*"));
        assert_eq!(
            fts_query("order #4411!").as_deref(),
            Some("\"order\" \"4411\"*")
        );
        assert_eq!(
            fts_query("smörgåsbord").as_deref(),
            Some("\"smörgåsbord\"*")
        );
    }

    #[test]
    fn fts_syntax_typed_is_only_words() {
        assert_eq!(
            fts_query("body:x OR \"a\" NEAR(b) *").as_deref(),
            Some("\"body\" \"x\" \"OR\" \"a\" \"NEAR\" \"b\"*")
        );
        assert_eq!(fts_query(" \"*-: "), None);
        assert_eq!(fts_query(""), None);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern(" ada@example.com "), "%ada@example.com%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
