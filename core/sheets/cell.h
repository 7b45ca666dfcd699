#pragma once
// What a sheet reader produces: rows of typed cells, as close to the file as possible.
// Interpretation (header detection, mapping, validation) happens later, in records/.
#include <QString>
#include <QtGlobal>
#include <functional>
#include <vector>

namespace tt {

struct Cell
{
    enum class Kind : quint8 {
        Empty,    // no value (missing cell, empty string in CSV)
        Text,     // text: CSV fields, shared/inline strings, formula string results
        Number,   // a numeric cell (XLSX); text holds the literal as stored, e.g. "3430" or "3430.0"
        Boolean,  // XLSX boolean; number is 0 or 1, text "TRUE"/"FALSE"
        DateTime, // numeric cell whose style is a date/time format; number is the serial (1900 system,
                  // days since 1899-12-30, fraction = time of day); text is the stored literal
        Error,    // a spreadsheet error value; text holds it ("#VALUE!", "#REF!", ...)
    };
    Kind kind = Kind::Empty;
    QString text;
    double number = 0.0;

    static Cell makeText(const QString &t) { return Cell{t.isEmpty() ? Kind::Empty : Kind::Text, t, 0.0}; }
    bool isEmpty() const
    {
        if (kind != Kind::Text)
            return kind == Kind::Empty;
        // whitespace only? Most texts start with a visible ASCII character: no need to look further
        const char16_t first = text.isEmpty() ? u' ' : text.front().unicode();
        return (first <= u' ' || first >= 0x7f) && QStringView(text).trimmed().isEmpty();
    }
    bool operator==(const Cell &o) const = default;
};

struct SheetRow
{
    qint64 number = 0; // 1-based row number as the user sees it (the spreadsheet row, or CSV record)
    std::vector<Cell> cells;
    // Cells with a value that the reader did not keep because they lie at or beyond its column limit (no field
    // is mapped there); a row whose only values lie there is not blank.
    qint64 cellsBeyond = 0;
    bool isBlank() const
    {
        if (cellsBeyond > 0)
            return false;
        for (const Cell &c : cells)
            if (!c.isEmpty())
                return false;
        return true;
    }
};

// Readers push rows into a sink; returning false stops reading early (not an error).
using RowSink = std::function<bool(SheetRow &row)>;

} // namespace tt
