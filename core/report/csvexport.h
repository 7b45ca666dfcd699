#pragma once
// The rebuilt roster and the quarantine as CSV files for spreadsheets: UTF-8 with a BOM (Excel opens it
// as UTF-8), RFC 4180 quoting, and every cell that a spreadsheet would run as a formula (starting with
// = + - @, tab or carriage return) neutralised with a leading single quote.
#include "htmlreport.h"

#include <QJsonArray>
#include <QString>
#include <QStringList>

namespace tt {

// Writes teachers.csv, classrooms.csv, students.csv and quarantine.csv into dir (created if missing),
// each atomically. Throws UserError naming the file when it cannot be written.
void writeCsvExports(const ReportData &data, const QString &dir);

// The quarantined rows alone (the quarantine.csv of writeCsvExports): source, row, field, reason, cell1…cellN.
// sourceNames: source index -> display name. Throws UserError naming the file when it cannot be written.
void writeQuarantineCsv(const std::vector<QuarantinedRow> &rows, const QStringList &sourceNames, const QString &path);

// Every apply recorded in the project (ReportData::applied) as applied.csv: one row each. writeCsvExports writes it
// beside the others once something was applied.
void writeAppliedCsv(const QJsonArray &applied, const QString &path);

// One CSV cell: neutralised against formula injection, then quoted when needed.
QString csvCell(const QString &value);
// One CSV line of cells, ending in CRLF.
QString csvLine(const QStringList &cells);

} // namespace tt
