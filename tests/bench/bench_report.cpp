// bench_report [--rows 262144] [--dir DIR] [--runs 3] [--app PATH]
// Opening a project and writing its JSON report, as an administrator does it: generates (once) N logs as
// incidents.csv + commendations.csv (and the school's roster.csv and staff.csv) with the seeded fixture
// generator, makes the project with the app's own `import` and `reconstruct --roster --staff --accept-all`, then
// times the real `tracktally-recovery report --project P --json OUT` (best of N fresh processes) against
// pandas.read_csv(dtype=str) of the same two CSVs (best of 3; skipped when pandas is not installed), beside the
// issue's target of 0.5x. Then a breakdown measured in this process: opening the project, the roster (built, and
// taken from the project's cache when it has one), and writing the report; and the project file's size beside
// the sources'.
#include "benchpandas.h"
#include "fixturegenerator.h"

#include "project/project.h"
#include "report/reportwriter.h"
#include "roster/rostercache.h"
#include "roster/rosterproject.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace tt::test;

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QString g_app;

double mb(qint64 bytes) { return double(bytes) / (1024.0 * 1024.0); }
qint64 fileSize(const QString &p) { return QFileInfo(p).size(); }

// Runs the app's CLI; false on failure (its error output is forwarded). ms: how long it took.
bool cli(const QStringList &args, qint64 *ms = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer t;
    t.start();
    p.start(g_app, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        out() << "FAILED: " << g_app << ' ' << args.join(u' ') << Qt::endl;
        return false;
    }
    if (ms)
        *ms = t.elapsed();
    return true;
}

// The sources, and the project made from them with the app's own commands, unless already there.
bool prepare(const QDir &dir, int rows, const QString &project)
{
    if (QFile::exists(project))
        return true;
    QElapsedTimer t;
    t.start();
    SchoolSpec spec;
    spec.seed = 20251124;
    spec.logs = rows;
    spec.classes = 28;
    spec.studentsPerClass = 25;
    const School school = generateSchool(spec);
    const QuirkOptions q;
    writeCsvTab(school, tt::RecordType::Incident, dir.filePath(u"incidents.csv"_s), q);
    writeCsvTab(school, tt::RecordType::Commendation, dir.filePath(u"commendations.csv"_s), q);
    writeRosterCsv(school, dir.filePath(u"roster.csv"_s));
    writeStaffCsv(school, dir.filePath(u"staff.csv"_s));
    out() << "generated " << rows << " logs in " << t.elapsed() << " ms" << Qt::endl;
    qint64 importMs = 0, reconstructMs = 0;
    const QString tmp = project + u".part"_s;
    QFile::remove(tmp);
    if (!cli({u"import"_s, u"--project"_s, tmp, u"--school"_s, u"Wattle Grove Primary"_s, u"--domain"_s,
              u"wattlegrove.example.edu.au"_s, u"--timezone"_s, u"Australia/Melbourne"_s, u"--incidents"_s,
              dir.filePath(u"incidents.csv"_s), u"--commendations"_s, dir.filePath(u"commendations.csv"_s)},
             &importMs)
        || !cli({u"reconstruct"_s, u"--project"_s, tmp, u"--roster"_s, dir.filePath(u"roster.csv"_s), u"--staff"_s,
                 dir.filePath(u"staff.csv"_s), u"--accept-all"_s},
                &reconstructMs)
        || !QFile::rename(tmp, project))
        return false;
    out() << "made the project with the app: import " << importMs << " ms, reconstruct " << reconstructMs << " ms"
          << Qt::endl;
    return true;
}

// Best of `runs` fresh `report --json` processes, in ms (-1 on failure).
qint64 timeReport(const QString &project, const QString &json, int runs)
{
    qint64 best = -1;
    for (int i = 0; i < runs; ++i) {
        qint64 ms = 0;
        if (!cli({u"report"_s, u"--project"_s, project, u"--json"_s, json}, &ms))
            return -1;
        best = best < 0 ? ms : std::min(best, ms);
    }
    return best;
}

// pandas.read_csv(dtype=str) of the two CSVs, best of 3, in ms; -1 when pandas is not installed or failed.
qint64 pandasMs(const QDir &dir)
{
    return tt::bench::pandasReadCsv({dir.filePath(u"incidents.csv"_s), dir.filePath(u"commendations.csv"_s)}).ms;
}

// The same work as `report --json` in this process, phase by phase (best of `runs`): opening the project, the
// roster and the record counts from the project's caches (put into the opened project first when the file keeps
// none), writing the report; and apart, what `reconstruct` does before: deduplicating the records, building the
// roster and encoding it and the counts for the caches.
// Returns the in-process total of opening, the roster from the cache and writing, in ms.
qint64 breakdown(const QString &path, const QString &json, int runs)
{
    qint64 load = -1, dedupe = -1, build = -1, cached = -1, encode = -1, write = -1;
    bool hadCache = false;
    qsizetype cacheBytes = 0;
    auto best = [](qint64 &b, qint64 ms) { b = b < 0 ? ms : std::min(b, ms); };
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        QByteArray rosterKey, rosterBytes, summaryKey, summaryBytes;
        {
            tt::Project project = tt::Project::load(path);
            t.start();
            (void)project.dedupe();
            best(dedupe, t.restart());
            const tt::Roster built = tt::rebuildProjectRoster(project);
            best(build, t.restart());
            tt::storeProjectRoster(project, built);
            best(encode, t.restart());
            rosterKey = tt::projectRosterKey(project);
            rosterBytes = project.cache("roster", rosterKey).value_or(QByteArray());
            summaryKey = tt::recordSummaryKey(project);
            summaryBytes = project.cache("records", summaryKey).value_or(QByteArray());
            cacheBytes = rosterBytes.size() + summaryBytes.size();
        }
        t.restart();
        tt::Project project = tt::Project::load(path);
        best(load, t.restart());
        hadCache = project.cache("roster", tt::projectRosterKey(project)).has_value();
        if (!hadCache) {
            project.setCache("roster", rosterKey, rosterBytes);
            project.setCache("records", summaryKey, summaryBytes);
        }
        t.restart();
        const tt::Roster roster = tt::buildProjectRoster(project);
        best(cached, t.restart());
        tt::writeReport(project, roster, tt::ReportFormat::Json, json);
        best(write, t.restart());
    }
    out() << QString::asprintf("breakdown (in process, best of %d):\n"
                               "  open the project         %8lld ms\n"
                               "  roster from the cache    %8lld ms   (%s)\n"
                               "  write the JSON report    %8lld ms   (counts and duplicates from the cache)\n"
                               "  (reconstruct: dedupe %lld ms, roster built %lld ms, encoded for the caches %lld ms, "
                               "%.1f MB)",
                               runs, load, cached,
                               hadCache ? "kept in the project file" : "the file keeps none: put in after opening",
                               write, dedupe, build, encode, mb(cacheBytes))
          << Qt::endl;
    return load + cached + write;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Opening a project and writing its JSON report, against pandas.read_csv."_s);
    parser.addHelpOption();
    const QCommandLineOption rowsOption(u"rows"_s, u"Logs to generate (default 262144)."_s, u"N"_s, u"262144"_s);
    const QCommandLineOption dirOption(u"dir"_s, u"Where the sources and the project are kept (made when absent)."_s, u"DIR"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"Timed runs of each (default 3)."_s, u"N"_s, u"3"_s);
    const QCommandLineOption appOption(u"app"_s, u"The tracktally-recovery binary (default: the one built with this)."_s,
                                       u"PATH"_s, QString::fromUtf8(TT_APP_PATH));
    parser.addOptions({rowsOption, dirOption, runsOption, appOption});
    parser.process(app);
    g_app = parser.value(appOption);
    const int rows = std::max(1, parser.value(rowsOption).toInt());
    const int runs = std::max(1, parser.value(runsOption).toInt());
    const QString dirPath = parser.isSet(dirOption) ? parser.value(dirOption)
                                                    : QDir::temp().filePath(u"tt-bench-report-%1"_s.arg(rows));
    QDir().mkpath(dirPath);
    const QDir dir(dirPath);
    const QString project = dir.filePath(u"project.ttproj"_s);
    const QString json = dir.filePath(u"report.json"_s);
    out() << "bench_report: " << rows << " logs in " << dirPath << Qt::endl;
    try {
        if (!prepare(dir, rows, project))
            return 1;
        const qint64 ours = timeReport(project, json, runs);
        if (ours < 0)
            return 1;
        const qint64 ref = pandasMs(dir);
        const qint64 sources = fileSize(dir.filePath(u"incidents.csv"_s)) + fileSize(dir.filePath(u"commendations.csv"_s));
        out() << QString::asprintf("report --json:   %8.2f s  (best of %d fresh processes; report %.1f MB)", ours / 1000.0,
                                   runs, mb(fileSize(json)))
              << Qt::endl;
        if (ref < 0)
            out() << "pandas read_csv: not installed; skipped" << Qt::endl;
        else
            out() << QString::asprintf("pandas read_csv: %8.2f s  (best of 3, dtype=str)\n"
                                       "ratio:           %8.2f    (target <= 0.50)",
                                       ref / 1000.0, double(ours) / double(ref))
                  << Qt::endl;
        out() << QString::asprintf("project file:    %8.1f MB  beside the sources' %.1f MB (ratio %.2f; target <= 1)",
                                   mb(fileSize(project)), mb(sources), double(fileSize(project)) / double(sources))
              << Qt::endl;
        const qint64 inProcess = breakdown(project, dir.filePath(u"report-inprocess.json"_s), runs);
        if (ref > 0)
            out() << QString::asprintf("in process with the caches: %.2f s = %.2f x pandas (target <= 0.50; what "
                                       "report --json takes once the project file keeps its caches, plus starting "
                                       "the process)",
                                       inProcess / 1000.0, double(inProcess) / double(ref))
                  << Qt::endl;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_report: %s\n", e.what());
        return 1;
    }
    return 0;
}
