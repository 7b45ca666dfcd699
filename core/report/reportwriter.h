#pragma once
// The recovery report, written in one place for the CLI (`report`) and the wizard's Verify page: JSON for
// programs, HTML for people, CSV files for spreadsheets. Every file is owner-only (the report names children).
// (The PDF is the HTML printed by the GUI: ui/pdfprint.)
#include <QByteArray>
#include <QString>

namespace tt {

class Project;
struct Roster;

enum class ReportFormat { Json, Html, Csv };

// The JSON report as written (indented, ending in a newline).
QByteArray jsonReportBytes(const Project &project, const Roster &roster);
// The HTML report as written.
QByteArray htmlReportBytes(const Project &project, const Roster &roster);
// Writes the report to path (for Csv, a folder: teachers, classrooms, students, quarantine and, once something
// was applied, applied.csv). Throws UserError naming the file when it cannot be written.
void writeReport(const Project &project, const Roster &roster, ReportFormat format, const QString &path);

} // namespace tt
