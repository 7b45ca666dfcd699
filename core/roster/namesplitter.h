#pragma once
// Splitting a logged "First Last" student name into first and last name, and the name helpers the roster
// reconstruction needs (case repair, normalised keys for matching, well-formedness).
//
// The rule (documented in tests/roster/tst_namesplitter.cpp as a table):
//  - whitespace is simplified first ("Mia  Van der Berg" == "Mia Van der Berg");
//  - one token: it is the first name, the last name stays empty (the administrator completes it);
//  - the last name starts at the earliest surname particle (van, van der, von, de, da, di, du, le, la, te,
//    ten, ter, del, della, dos, das, bin, binti, al, el, mac, st, o, ó, ní ...) found after the first token and before
//    the last token; otherwise the last name is the last token;
//  - everything before the last name is the first name: "Mary Jane Smith" -> "Mary Jane" / "Smith"
//    (double given names are more common in this school population than unhyphenated double surnames,
//    which need a particle or a hyphen to be recognised);
//  - hyphens and apostrophes stay inside their token ("Smith-Jones", "O'Brien");
//  - case is repaired only when it is damaged: a name written all upper or all lower case is rewritten
//    ("mia VAN DER BERG" -> "Mia" / "Van der Berg"); in a mixed-case name, a token written all upper case
//    (2+ letters) or a non-particle token written all lower case is repaired; everything else is kept.
#include <QString>

namespace tt {

struct NameParts
{
    QString first;
    QString last;
    bool operator==(const NameParts &) const = default;
};

NameParts splitStudentName(const QString &fullName);

// True when the token (lower-cased) is a surname particle such as "van", "der", "te", "da".
bool isSurnameParticle(const QString &token);

// The name with its case repaired where damaged (see above) and whitespace simplified.
QString repairNameCase(const QString &fullName);

// True when the spelling looks deliberate: no case damage, letters with at most single inner hyphens,
// apostrophes, dots or spaces.
bool isWellFormedName(const QString &fullName);

// A key for matching names: case-folded, diacritics removed, whitespace simplified ("Zoë  smith" -> "zoe smith").
QString normalisedNameKey(const QString &fullName);

} // namespace tt
