// tracktally-recovery report: writes the recovery report (JSON for machines, HTML for people, CSV files).
#include "cli.h"

#include "common/errors.h"
#include "project/project.h"
#include "report/jsonreport.h"
#include "roster/rosterproject.h"

#include <QCoreApplication>
#include <QDir>
#include "common/privatefile.h"

#include <QSaveFile>

#include "report/csvexport.h"
#include "report/htmlreport.h"

namespace tt::cli {
namespace {
QString tr(const char *t) { return QCoreApplication::translate("tt::cli::report", t); }

void writeFile(const QString &path, const QByteArray &data)
{
    writePrivateFile(path, data); // 0600 in a 0700 folder when it creates one: the report names children
}
} // namespace

int runReport(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption project(QStringLiteral("project"), tr("The project file."), tr("FILE"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Write the JSON report (stable keys, see README) to OUT; '-' for standard output."), tr("OUT"));
    const QCommandLineOption html(QStringLiteral("html"), tr("Write the report for people as HTML to OUT."), tr("OUT"));
    const QCommandLineOption csvDir(QStringLiteral("csv-dir"), tr("Write teachers.csv, classrooms.csv, students.csv and quarantine.csv into DIR."), tr("DIR"));
    p.addOptions({project, json, html, csvDir});
    if (int rc = parse(p, QStringLiteral("report"), tr("Writes the recovery report of a project."), args, {QStringLiteral("project")}); rc >= 0)
        return rc;
    if (!p.isSet(json) && !p.isSet(html) && !p.isSet(csvDir)) {
        err() << "report: " << tr("say what to write: --json OUT, --html OUT or --csv-dir DIR.") << Qt::endl;
        return Usage;
    }
    return guarded([&]() -> int {
        const Project proj = Project::load(p.value(project));
        const Roster roster = buildProjectRoster(proj);
        if (p.isSet(json)) {
            const QByteArray data = QByteArray::fromStdString(buildJsonReport(proj, &roster).dump(2)) + '\n';
            if (p.value(json) == u"-") {
                out() << QString::fromUtf8(data);
                out().flush();
            } else {
                writeFile(p.value(json), data);
            }
        }
        const ReportData data = reportData(proj, roster);
        if (p.isSet(html))
            writeFile(p.value(html), renderHtmlReport(data).toUtf8());
        if (p.isSet(csvDir))
            writeCsvExports(data, p.value(csvDir)); // creates the folder 0700
        return int(Ok);
    });
}

} // namespace tt::cli
