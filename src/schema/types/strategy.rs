//! `Strategy` and `StrategyObjective`: the policies and plans projects serve.

use crate::{
    model::{self, fold_key, Named, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{Obj, ObjType, Out},
        types::{date, figures, inferred, record_page, FIGURES, INFERRED},
    },
    store::Index,
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![strategy(), related_strategy(), objective(), strategy_filter()];
    types.extend(connection::types(ObjType::StrategyConnection, ObjType::StrategyEdge, "Strategy"));
    types
}

fn strategy() -> TypeDef {
    Object::<model::Strategy>::new(ObjType::Strategy, "A NATO policy, strategy, action plan or roadmap.")
        .record("Stable key (`commercial-space-strategy`).")
        .value("title", "String!", "Title as the sources write it.", |s| Out::str(&s.title))
        .value("name", "String!", "Its display name: the title (every record has a `name`).", |s| Out::str(&s.title))
        .value("kind", "StrategyKind!", "Policy, strategy, action plan or roadmap.", |s| Out::Enum(s.kind.name()))
        .field("endorsed", "PartialDate", "When Allies endorsed it, as precise as the source.", |s, _, _| Ok(date(&s, |s| &s.endorsed)))
        .field("published", "PartialDate", "When it was published or released, as precise as the source.", |s, _, _| {
            Ok(date(&s, |s| &s.published))
        })
        .value("summary", "String!", "What it is about.", |s| Out::str(&s.summary))
        .value("aim", "String", "Its stated aim, where the source gives one.", |s| Out::opt_str(s.aim.as_deref()))
        .field("objectives", "[StrategyObjective!]!", "Its objectives, in number order.", |s, _, cx| {
            let links = cx.links(Index::ObjectivesByStrategy, &s.code)?;
            let mut objectives = cx.records::<model::StrategyObjective>(links.iter().map(|l| l.to.as_str()))?;
            objectives.sort_by_key(|o| o.number);
            Ok(Out::objs(objectives.into_iter().map(|o| Obj::new(ObjType::StrategyObjective, o))))
        })
        .linked(
            "projects",
            "Projects that implement it, directly or through one of its objectives.",
            Index::ProjectsByStrategy,
            RecordKind::Project,
        )
        .linked("events", "Events it was endorsed or released at, the relation on each edge.", Index::EventsByStrategy, RecordKind::Event)
        .field("relatedStrategies", "[RelatedStrategy!]!", "Strategies and documents it relates to, as the texts say: those it echoes,\nimplements or cites.", |s, _, _| {
            Ok(s.parts(ObjType::RelatedStrategy, |s| &s.related))
        })
        .value("note", "String", "Where the sources disagree, or other remarks.", |s| Out::opt_str(s.note.as_deref()))
        .field("figures", "[Figure!]!", FIGURES, |s, _, _| Ok(figures(&s, |s| &s.figures)))
        .field("inferred", "[Inference!]!", INFERRED, |s, _, _| Ok(inferred(&s, |s| &s.inferred)))
        .sources("The documents and quotes that support this record.", |s| &s.sources)
        .finish()
}

fn related_strategy() -> TypeDef {
    Object::<model::RelatedStrategy>::new(ObjType::RelatedStrategy, "Another strategy or document a strategy relates to.")
        .field("strategy", "Strategy", "The related strategy or document.", |r, _, cx| {
            Ok(Out::opt(cx.record_obj(RecordKind::Strategy, &r.strategy)?))
        })
        .value("relation", "String!", "How the two relate, in words (\"strongly echoes it\").", |r| Out::str(&r.relation))
        .sources("The documents that state it.", |r| &r.sources)
        .finish()
}

fn objective() -> TypeDef {
    Object::<model::StrategyObjective>::new(ObjType::StrategyObjective, "One of a strategy's numbered objectives.")
        .record("Stable key: strategy code and number (`commercial-space-strategy/1`).")
        .value("number", "Int!", "Its number within the strategy.", |o| Out::int(o.number))
        .value("title", "String!", "Its title.", |o| Out::str(&o.title))
        .value("name", "String!", "Its display name: the title (every record has a `name`).", |o| Out::str(&o.title))
        .value("statement", "String!", "What the strategy says the objective is.", |o| Out::str(&o.statement))
        .field("linesOfEffort", "[LineOfEffort!]!", "The lines of effort under it, in the document's order.", |o, _, _| {
            Ok(o.parts(ObjType::LineOfEffort, |o| &o.lines_of_effort))
        })
        .field("strategy", "Strategy", "The strategy it belongs to.", |o, _, cx| {
            Ok(Out::opt(cx.record_obj(RecordKind::Strategy, &o.strategy)?))
        })
        .linked("projects", "Projects that serve it.", Index::ProjectsByObjective, RecordKind::Project)
        .value("note", "String", "Where the sources disagree (e.g. two wordings of the title), or other remarks.", |o| {
            Out::opt_str(o.note.as_deref())
        })
        .sources("The documents and quotes that support this record.", |o| &o.sources)
        .finish()
}

fn strategy_filter() -> TypeDef {
    TypeDef::Input {
        name: "StrategyFilter",
        description: "Which strategies to list.",
        fields: vec![InputDef::new("kind", "StrategyKind", "This kind.")],
    }
}

/// `Query.strategies`, in title order.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let kind = args.input("filter").named::<model::StrategyKind>("kind");
    let all = cx.every_sorted::<model::Strategy, _>(|s| fold_key(&s.title, &s.code))?;
    let strategies: Vec<_> = all.iter().filter(|s| kind.is_none_or(|k| s.kind == k)).collect();
    record_page(args, cx, (ObjType::StrategyConnection, ObjType::StrategyEdge), &strategies)
}
