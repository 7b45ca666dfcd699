// tracktally-recovery report: writes the recovery report (JSON for machines, HTML for people, CSV files).
#include "cli.h"

#include "common/errors.h"
#include "project/project.h"
#include "report/reportwriter.h"
#include "roster/rosterproject.h"

#include <QCoreApplication>
#include <QDir>

namespace tt::cli {
namespace {
QString tr(const char *t) { return QCoreApplication::translate("tt::cli::report", t); }
} // namespace

int runReport(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption project(QStringLiteral("project"), tr("The project file."), tr("FILE"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Write the JSON report (stable keys, see README) to OUT; '-' for standard output."), tr("OUT"));
    const QCommandLineOption html(QStringLiteral("html"), tr("Write the report for people as HTML to OUT."), tr("OUT"));
    const QCommandLineOption csvDir(QStringLiteral("csv-dir"), tr("Write teachers.csv, classrooms.csv, students.csv and quarantine.csv (and applied.csv once something was applied) into DIR."), tr("DIR"));
    p.addOptions({project, json, html, csvDir});
    if (int rc = parse(p, QStringLiteral("report"), tr("Writes the recovery report of a project."), args, {QStringLiteral("project")}); rc >= 0)
        return rc;
    if (!p.isSet(json) && !p.isSet(html) && !p.isSet(csvDir)) {
        err() << "report: " << tr("say what to write: --json OUT, --html OUT or --csv-dir DIR.") << Qt::endl;
        return Usage;
    }
    return guarded([&]() -> int {
        const Project proj = loadProjectFile(p.value(project));
        const Roster roster = buildProjectRoster(proj);
        if (p.isSet(json)) {
            if (p.value(json) == u"-") {
                out() << QString::fromUtf8(jsonReportBytes(proj, roster));
                out().flush();
            } else {
                writeReport(proj, roster, ReportFormat::Json, p.value(json));
            }
        }
        if (p.isSet(html))
            writeReport(proj, roster, ReportFormat::Html, p.value(html));
        if (p.isSet(csvDir))
            writeReport(proj, roster, ReportFormat::Csv, p.value(csvDir));
        return int(Ok);
    });
}

} // namespace tt::cli
