//! Value types shared by the record types: dates, money, citations, milestones, lines of effort.

use crate::{
    model,
    schema::{
        def::{InputDef, Object, Src, TypeDef},
        obj::{Obj, ObjType, Out},
        FieldError,
    },
};

pub fn types() -> Vec<TypeDef> {
    vec![
        Object::<model::PartialDate>::new(
            ObjType::PartialDate,
            "A date exactly as precise as the text that states it: \"2014\", \"October 2024\" or\n\"11 December 2019\". Months and days the text lacks are `null`, never invented.",
        )
        .value("year", "Int!", "The year.", |d| Out::int(d.year))
        .value("month", "Int", "The month (1–12), when the text gives one.", |d| Out::opt_int(d.month))
        .value("day", "Int", "The day of the month, when the text gives one.", |d| Out::opt_int(d.day))
        .value("precision", "DatePrecision!", "Whether the text gives a year, a month or a day (of the start, for a range).", |d| {
            Out::Enum(model::Named::name(d.precision()))
        })
        .value("iso", "String!", "ISO 8601 at the text's precision: `2014`, `2024-10` or `2019-12-11`; a range as an\ninterval, `2035/2040`.", |d| Out::string(d.iso()))
        .field("until", "PartialDate", "The end of the range, when the text gives a range (\"the 2035-2040 timeframe\"): `year`,\n`month` and `day` are its start. `null` for a single date.", |d, _, _| {
            Ok(d.until().map_or(Out::Null, |until| Out::Obj(Obj::new(ObjType::PartialDate, std::sync::Arc::new(until)))))
        })
        .finish(),
        Object::<model::Money>::new(ObjType::Money, "An amount of money as the text states it.")
            .value("amount", "String!", "Exact decimal string, no exponent or separators: `16500000`, `16.5`.", |m| Out::str(&m.amount))
            .value("currency", "String!", "ISO 4217 currency code.", |m| Out::str(&m.currency))
            .value("approximate", "Boolean!", "True when the text qualifies the amount (\"nearly USD 700 million\").", |m| {
                Out::Bool(m.approximate)
            })
            .finish(),
        Object::<model::Citation>::new(ObjType::Citation, "A short verbatim quote from a source document that supports a record.")
            .field("source", "Source", "The document quoted.", |c, _, cx| Ok(Out::opt(cx.record_obj(model::RecordKind::Source, &c.source)?)))
            .value("quote", "String!", "The quote, verbatim from the document (whitespace may differ).", |c| Out::str(&c.quote))
            .value(
                "fields",
                "[String!]!",
                "The fields of the record (or part) whose values the quote states, by their names in this\nAPI (`status`, `launched`): ask `sources(field:)` where a single value comes from.",
                |c| Out::List(c.fields.iter().map(|f| Out::str(f)).collect()),
            )
            .finish(),
        Object::<model::Milestone>::new(ObjType::Milestone, "A dated event in a project's life.")
            .field("date", "PartialDate!", "When it happened or is planned, as precise as the text.", |m, _, _| {
                Ok(Out::Obj(m.part(ObjType::PartialDate, |m| &m.date)))
            })
            .value("event", "String!", "What happened (or is planned), in the text's words.", |m| Out::str(&m.event))
            .field("inferred", "[Inference!]!", INFERRED, |m, _, _| Ok(inferred(&m, |m| &m.inferred)))
            .sources("The documents that state it.", |m| &m.sources)
            .finish(),
        Object::<model::Inference>::new(
            ObjType::Inference,
            "A value read from the texts rather than stated by them: which field holds it and why it\nreads as it does. A value with no `Inference` is stated by its record's sources.",
        )
        .value("field", "String!", "The field of the record (or part) that holds the inferred value: `status`, `signed`, `date`.", |i| {
            Out::str(&i.field)
        })
        .value("reason", "String!", "What in the texts the value is inferred from, and how.", |i| Out::str(&i.reason))
        .finish(),
        Object::<model::Figure>::new(ObjType::Figure, "A number a text states about a record: what it counts, in what unit, as the text qualifies it.")
            .value("value", "String!", "Exact decimal string of the text's number (\"Fourteen\" is `14`, \"800 billion\" is `800000000000`).", |f| Out::str(&f.value))
            .value("unit", "String!", "The unit or the things counted (`training campuses`, `metres`, `EUR`).", |f| Out::str(&f.unit))
            .value("counts", "String!", "What the figure measures, in a few words of the text.", |f| Out::str(&f.counts))
            .value("qualifier", "FigureQualifier!", "Exactly, about, at least or at most, as the text words it.", |f| Out::Enum(model::Named::name(f.qualifier)))
            .field("date", "PartialDate", "When it holds, as precise as the text.", |f, _, _| Ok(date(&f, |f| &f.date)))
            .field("inferred", "[Inference!]!", INFERRED, |f, _, _| Ok(inferred(&f, |f| &f.inferred)))
            .field("source", "Citation!", "The quote that states it.", |f, _, _| Ok(Out::Obj(f.part(ObjType::Citation, |f| &f.source))))
            .finish(),
        Object::<model::LineOfEffort>::new(ObjType::LineOfEffort, "One line of effort under a strategy objective.")
            .value("title", "String!", "The line of effort's title.", |l| Out::str(&l.title))
            .value("text", "String!", "What the strategy says under it.", |l| Out::str(&l.text))
            .finish(),
    ]
}

/// The description of every `figures` field.
pub const FIGURES: &str = "Numbers the texts state about it, each with its unit, what it counts and its quote; where two\ntexts give different figures, both are here.";

/// The figures of a record, as `Figure` objects sharing it.
pub fn figures<'a, S: std::any::Any + Send + Sync>(src: &Src<'a, S>, list: impl for<'x> Fn(&'x S) -> &'x [model::Figure]) -> Out<'a> {
    src.parts(ObjType::Figure, list)
}

/// The description of every `inferred` field.
pub const INFERRED: &str = "Which of its values are inferred from the texts rather than stated, and why; empty when\nthe sources state them all.";

/// The inferences of a value, as `Inference` objects sharing its record.
pub fn inferred<'a, S: std::any::Any + Send + Sync>(src: &Src<'a, S>, list: impl for<'x> Fn(&'x S) -> &'x [model::Inference]) -> Out<'a> {
    src.parts(ObjType::Inference, list)
}

/// The citations of a value, as `Citation` objects sharing its record.
pub fn citations<'a, S: std::any::Any + Send + Sync>(src: &Src<'a, S>, list: impl for<'x> Fn(&'x S) -> &'x [model::Citation]) -> Out<'a> {
    src.parts(ObjType::Citation, list)
}

impl<S: std::any::Any + Send + Sync> Object<S> {
    /// The `sources` field, defined after the type's other fields: its quotes, or with
    /// `field:` only those that state that field's value.
    pub fn sources(
        self,
        description: &'static str,
        list: impl for<'x> Fn(&'x S) -> &'x [model::Citation] + Send + Sync + 'static,
    ) -> Self {
        let fields = self.field_names();
        let type_name = self.type_name();
        self.field_def(
            "sources",
            "[Citation!]!",
            description,
            move |s, args, _| match args.string("field") {
                None => Ok(citations(&s, &list)),
                Some(name) if fields.contains(&name) => {
                    let stating = (0..list(s.this).len()).filter(|&i| list(s.this)[i].fields.iter().any(|f| f == name));
                    Ok(Out::objs(stating.map(|i| s.part(ObjType::Citation, |this: &S| &list(this)[i]))))
                }
                Some(name) => Err(FieldError::NotAField { argument: "field".into(), type_name, name: name.into() }.into()),
            },
            |f| {
                f.arg(InputDef::new(
                    "field",
                    "String",
                    "Only the quotes that state this field's value (`status`, `launched`): where a single value\ncomes from. A field no quote names is derived, inferred (see `inferred`) or a public fact.",
                ))
            },
        )
    }
}

/// An optional date of a value, as a `PartialDate` object sharing its record.
pub fn date<'a, S: std::any::Any + Send + Sync>(
    src: &Src<'a, S>,
    pick: impl for<'x> Fn(&'x S) -> &'x Option<model::PartialDate>,
) -> Out<'a> {
    match pick(src.this) {
        Some(_) => Out::Obj(src.part(ObjType::PartialDate, |s| pick(s).as_ref().expect("checked above"))),
        None => Out::Null,
    }
}
