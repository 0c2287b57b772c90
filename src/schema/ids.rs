//! Relay global ids: opaque base64url of `TypeName:code`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

pub fn encode(type_name: &str, code: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{code}"))
}

/// The type name and code inside a global id, or `None` when it is not one of ours.
pub fn decode(id: &str) -> Option<(String, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, code) = text.split_once(':')?;
    Some((type_name.to_owned(), code.to_owned()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = super::encode("Project", "cbrn-d-and-i");
        assert_eq!(super::decode(&id).unwrap(), ("Project".into(), "cbrn-d-and-i".into()));
        assert_eq!(super::decode("not base64!"), None);
        assert_eq!(super::decode(&base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, "nocolon")), None);
    }
}
