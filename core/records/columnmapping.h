#pragma once
// Which sheet column holds which TrackTally field, and whether row 1 is a header.
#include "field.h"
#include "sheets/cell.h"

#include <QString>
#include <QStringList>
#include <algorithm>
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
    // The right-most column a field is mapped to; -1 when none is.
    int lastMappedColumn() const { return *std::max_element(m_columns.cbegin(), m_columns.cend()); }
    bool isMapped(int column) const { return std::find(m_columns.cbegin(), m_columns.cend(), column) != m_columns.cend(); }
    // How many columns of a row are worth keeping: up to the last mapped one and ExtraColumns more (what a
    // quarantined row shows and what a reader keeps once the mapping is known).
    static constexpr int ExtraColumns = 16;
    int keptColumns() const { return lastMappedColumn() + 1 + ExtraColumns; }
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
