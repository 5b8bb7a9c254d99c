//! The General_Category values of Unicode and their names.

/// The two-letter Unicode General_Category values.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneralCategory {
    Lu,
    Ll,
    Lt,
    Lm,
    Lo,
    Mn,
    Mc,
    Me,
    Nd,
    Nl,
    No,
    Pc,
    Pd,
    Ps,
    Pe,
    Pi,
    Pf,
    Po,
    Sm,
    Sc,
    Sk,
    So,
    Zs,
    Zl,
    Zp,
    Cc,
    Cf,
    Cs,
    Co,
}

impl GeneralCategory {
    /// The value's name, as in `\p{Lu}`.
    pub(super) fn short_name(self) -> &'static str {
        use GeneralCategory::*;
        match self {
            Lu => "Lu",
            Ll => "Ll",
            Lt => "Lt",
            Lm => "Lm",
            Lo => "Lo",
            Mn => "Mn",
            Mc => "Mc",
            Me => "Me",
            Nd => "Nd",
            Nl => "Nl",
            No => "No",
            Pc => "Pc",
            Pd => "Pd",
            Ps => "Ps",
            Pe => "Pe",
            Pi => "Pi",
            Pf => "Pf",
            Po => "Po",
            Sm => "Sm",
            Sc => "Sc",
            Sk => "Sk",
            So => "So",
            Zs => "Zs",
            Zl => "Zl",
            Zp => "Zp",
            Cc => "Cc",
            Cf => "Cf",
            Cs => "Cs",
            Co => "Co",
        }
    }
}

/// The short name of the General_Category value or group with the long name `name` (as in
/// PropertyValueAliases.txt).
pub fn long_to_short(name: &str) -> Option<&'static str> {
    const ALIASES: &[(&str, &str)] = &[
        ("Letter", "L"),
        ("Cased_Letter", "LC"),
        ("Uppercase_Letter", "Lu"),
        ("Lowercase_Letter", "Ll"),
        ("Titlecase_Letter", "Lt"),
        ("Modifier_Letter", "Lm"),
        ("Other_Letter", "Lo"),
        ("Mark", "M"),
        ("Nonspacing_Mark", "Mn"),
        ("Spacing_Mark", "Mc"),
        ("Enclosing_Mark", "Me"),
        ("Number", "N"),
        ("Decimal_Number", "Nd"),
        ("Letter_Number", "Nl"),
        ("Other_Number", "No"),
        ("Punctuation", "P"),
        ("Connector_Punctuation", "Pc"),
        ("Dash_Punctuation", "Pd"),
        ("Open_Punctuation", "Ps"),
        ("Close_Punctuation", "Pe"),
        ("Initial_Punctuation", "Pi"),
        ("Final_Punctuation", "Pf"),
        ("Other_Punctuation", "Po"),
        ("Symbol", "S"),
        ("Math_Symbol", "Sm"),
        ("Currency_Symbol", "Sc"),
        ("Modifier_Symbol", "Sk"),
        ("Other_Symbol", "So"),
        ("Separator", "Z"),
        ("Space_Separator", "Zs"),
        ("Line_Separator", "Zl"),
        ("Paragraph_Separator", "Zp"),
        ("Other", "C"),
        ("Control", "Cc"),
        ("Format", "Cf"),
        ("Surrogate", "Cs"),
        ("Private_Use", "Co"),
        ("Unassigned", "Cn"),
    ];
    ALIASES
        .iter()
        .find(|(long, _)| *long == name)
        .map(|(_, short)| *short)
}
