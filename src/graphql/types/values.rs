//! Value types shared by the object types: dates, money, citations, milestones.

use async_graphql::{Context, Object, Result};

use super::Source;
use crate::{graphql::loaders, model};

/// A date exactly as precise as the text that states it: "2014", "October 2024" or
/// "11 December 2019". Months and days the text lacks are `null`, never invented.
pub struct PartialDate(pub model::PartialDate);

#[Object]
impl PartialDate {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year.into()
    }
    /// The month (1–12), when the text gives one.
    async fn month(&self) -> Option<i32> {
        self.0.month.map(Into::into)
    }
    /// The day of the month, when the text gives one.
    async fn day(&self) -> Option<i32> {
        self.0.day.map(Into::into)
    }
    /// ISO 8601 at the text's precision: `2014`, `2024-10` or `2019-12-11`.
    async fn iso(&self) -> String {
        self.0.iso()
    }
}

pub fn date(date: &Option<model::PartialDate>) -> Option<PartialDate> {
    date.map(PartialDate)
}

/// An amount of money as the text states it.
pub struct Money(pub model::Money);

#[Object]
impl Money {
    /// Exact decimal string, no exponent or separators: `16500000`, `16.5`.
    async fn amount(&self) -> &str {
        &self.0.amount
    }
    /// ISO 4217 currency code.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// True when the text qualifies the amount ("nearly USD 700 million").
    async fn approximate(&self) -> bool {
        self.0.approximate
    }
}

/// A short verbatim quote from a source document that supports a record.
pub struct Citation(pub model::Citation);

#[Object]
impl Citation {
    /// The document quoted.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        Ok(loaders::one::<model::Source>(ctx, &self.0.source).await?.map(Source))
    }
    /// The quote, verbatim from the document (whitespace may differ).
    async fn quote(&self) -> &str {
        &self.0.quote
    }
}

pub fn citations(sources: &[model::Citation]) -> Vec<Citation> {
    sources.iter().cloned().map(Citation).collect()
}

/// A dated event in a project's life.
pub struct Milestone(pub model::Milestone);

#[Object]
impl Milestone {
    /// When it happened or is planned, as precise as the text.
    async fn date(&self) -> PartialDate {
        PartialDate(self.0.date)
    }
    /// What happened (or is planned), in the text's words.
    async fn event(&self) -> &str {
        &self.0.event
    }
    /// The documents that state it.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}

/// One line of effort under a strategy objective.
pub struct LineOfEffort(pub model::LineOfEffort);

#[Object]
impl LineOfEffort {
    /// The line of effort's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the strategy says under it.
    async fn text(&self) -> &str {
        &self.0.text
    }
}
