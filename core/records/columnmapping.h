#pragma once
// Which sheet column holds which TrackTally field, and whether row 1 is a header.
#include "field.h"
#include "sheets/cell.h"

#include <QString>
#include <QStringList>
#include <array>
#include <nlohmann/json_fwd.hpp>

namespace tt {

class ColumnMapping
{
public:
    // TrackTally's own order, A to L, no header.
    static ColumnMapping positional();
    // Decides from the first non-blank row: a header (mapped by name, with aliases) or data (positional).
    static ColumnMapping detect(const SheetRow &firstRow);
    // How many cells of the row name a known field; a header has at least 3 and no timestamp value.
    static int headerMatches(const SheetRow &row);
    static bool looksLikeHeader(const SheetRow &row);
    // "Student ID", "student_id", " StudentId " -> "studentid"
    static QString normaliseHeader(const QString &text);

    int column(Field f) const { return m_columns[size_t(f)]; }
    void setColumn(Field f, int column) { m_columns[size_t(f)] = column; }
    bool hasHeader() const { return m_hasHeader; }
    void setHasHeader(bool h) { m_hasHeader = h; }
    // Header texts as found (empty when there is no header); kept to show the mapping to people.
    const QStringList &headerTexts() const { return m_headerTexts; }
    // Problems that make the mapping unusable: the same column chosen twice, a required field unmapped.
    QStringList problems() const;
    // Fields that could not be matched by name (only meaningful with a header).
    QList<Field> unmapped() const;

    nlohmann::json toJson() const;
    static ColumnMapping fromJson(const nlohmann::json &j);
    bool operator==(const ColumnMapping &) const = default;

private:
    std::array<int, FieldCount> m_columns{};
    bool m_hasHeader = false;
    QStringList m_headerTexts;
};

// Column letters as in a spreadsheet: 0 -> "A", 26 -> "AA".
QString columnLetter(int column);

} // namespace tt
