//! `Source`: a document the data comes from.

use crate::{
    model::{self, RecordKind},
    schema::{
        connection::{self, Item},
        def::{Object, TypeDef},
        fetch::all_of,
        obj::{ObjType, Out},
        types::date,
    },
    store::Index,
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![source()];
    types.extend(connection::types(ObjType::NodeConnection, ObjType::NodeEdge, "Node"));
    types
}

fn source() -> TypeDef {
    Object::<model::Source>::new(ObjType::Source, "A public document the data comes from.")
        .record("Stable key (`nato-mcc`).")
        .value("title", "String!", "The document's title.", |s| Out::str(&s.title))
        .value("name", "String!", "Its display name: the title (every record has a `name`).", |s| Out::str(&s.title))
        .value("publisher", "String!", "Who published it.", |s| Out::str(&s.publisher))
        .field("published", "PartialDate", "When it was published, as precise as the document says.", |s, _, _| {
            Ok(date(&s, |s| &s.published))
        })
        .value("publishedText", "String", "The publication date in the document's own words, where a date cannot say it.", |s| {
            Out::opt_str(s.published_text.as_deref())
        })
        .value("url", "String", "Where it can be read, where known.", |s| Out::opt_str(s.url.as_deref()))
        .value("note", "String", "Remarks.", |s| Out::opt_str(s.note.as_deref()))
        .field_def(
            "citedBy",
            "NodeConnection!",
            "The records that cite this document, in type and code order.",
            |s, args, cx| {
                let links = cx.links(Index::CitationsBySource, &s.code)?;
                let w = connection::window(args, cx.page, links.len(), |i| links[i].to.as_str())?;
                let page = &links[w.start..w.end];
                // Index entries are `Type:code`; each is read as the record it names.
                let items = all_of(page.iter().map(|link| {
                    let (type_name, code) = link.to.split_once(':').unwrap_or_default();
                    let Some(kind) = RecordKind::from_type_name(type_name) else { return Ok(None) };
                    Ok(cx.record_obj(kind, code)?.map(|node| Item { code: link.to.clone(), node, link: None }))
                }))?;
                Ok(connection::page(ObjType::NodeConnection, ObjType::NodeEdge, w, links.len(), items, connection::Whole::NotKept))
            },
            |f| f.paged().longest(crate::store::Longest::Links(Index::CitationsBySource)),
        )
        .sources("Always empty: a source is the document the other records quote (see `citedBy`).", |_| &[])
        .finish()
}
