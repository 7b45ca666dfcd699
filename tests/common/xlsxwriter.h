#pragma once
// A small XLSX writer for tests and fixtures (libzip). Writes what Excel and Google Sheets write:
// workbook, rels, styles with a date number format, shared strings, and one worksheet per sheet.
// Not part of the product; it exists so that tests read real .xlsx files.
#include <QString>
#include <QStringList>
#include <vector>

namespace tt::test {

struct XCell
{
    enum class Kind { Empty, SharedString, InlineString, Number, Date, Boolean, Error, FormulaString };
    Kind kind = Kind::Empty;
    QString text;     // strings, errors ("#VALUE!"), formula string results
    double number = 0; // numbers, date serials (1900 system unless the workbook is 1904), booleans 0/1
    // Literal to write into <v> for Number/Date instead of a formatted double (e.g. "3430.0")
    QString literal;

    static XCell str(const QString &s) { return {Kind::SharedString, s, 0, {}}; }
    static XCell inl(const QString &s) { return {Kind::InlineString, s, 0, {}}; }
    static XCell num(double v, const QString &literal = {}) { return {Kind::Number, {}, v, literal}; }
    static XCell date(double serial) { return {Kind::Date, {}, serial, {}}; }
    static XCell boolean(bool b) { return {Kind::Boolean, {}, b ? 1.0 : 0.0, {}}; }
    static XCell error(const QString &e) { return {Kind::Error, e, 0, {}}; }
    static XCell empty() { return {}; }
};

struct XSheet
{
    QString name;
    std::vector<std::vector<XCell>> rows; // row i is written as spreadsheet row i+1 unless rowNumbers set
    std::vector<int> rowNumbers;          // optional explicit 1-based row numbers (to leave gaps)
    bool omitCellRefs = false;            // write <c> without r="A1" (allowed by the spec)
};

struct XlsxWriteOptions
{
    bool date1904 = false;
    QString dateFormatCode = QStringLiteral("d/m/yyyy h:mm:ss"); // custom numFmt used for Date cells
    bool useBuiltinDateFormat = false; // use built-in numFmtId 22 instead of the custom format
};

// Writes the workbook; returns false and sets *error on failure.
bool writeXlsx(const QString &path, const std::vector<XSheet> &sheets, const XlsxWriteOptions &options = {},
               QString *error = nullptr);

} // namespace tt::test
