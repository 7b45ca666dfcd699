// bench_import [--rows N] [--dir DIR]
// Generates (once) N logs as Incidents/Commendations CSVs and an XLSX of the same rows with the seeded fixture
// generator, then times: generation; CSV import (MB/s, rows/s); XLSX import (MB/s of the .xlsx, rows/s);
// peak RSS of each import against its input size; and pandas.read_csv(dtype=str) over the same CSVs when
// pandas is installed, and SheetJS (npm xlsx on node) reading the same workbook when it is installed (see
// script/bench-references); each import line is followed by its ratio to the reference and the target of #14.
// With --save, each import is also timed with Project::save() of the result (the save is another part's budget).
// Each phase runs in its own process so that its peak RSS is its own.
#include "benchpandas.h"
#include "fixturegenerator.h"

#include "project/project.h"
#include "import/importer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTextStream>

#include <sys/resource.h>

#include <cstdio>
#include <exception>

using namespace Qt::Literals::StringLiterals;
using namespace tt::test;

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

qint64 peakRssKb()
{
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return qint64(ru.ru_maxrss); // kilobytes on Linux
}

// CPU time of the process so far (every thread), milliseconds: on a machine shared with other work the wall
// time of a two-thread import says more about the neighbours than about the import.
qint64 cpuMs()
{
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return qint64(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

double mb(qint64 bytes) { return double(bytes) / (1024.0 * 1024.0); }

qint64 fileSize(const QString &p) { return QFileInfo(p).size(); }

const char *const kFiles[] = {"incidents.csv", "commendations.csv", "workbook.xlsx"};

// ---- child modes ---------------------------------------------------------------------------------------------
int generate(const QString &dirPath, int rows)
{
    QElapsedTimer t;
    t.start();
    SchoolSpec spec;
    spec.seed = 20251124;
    spec.logs = rows;
    spec.classes = 28;
    spec.studentsPerClass = 25;
    const School school = generateSchool(spec);
    const qint64 genMs = t.elapsed();
    const QDir dir(dirPath);
    const QuirkOptions q;
    const ExportResult inc = writeCsvTab(school, tt::RecordType::Incident, dir.filePath(u"incidents.csv"_s), q);
    const ExportResult com
        = writeCsvTab(school, tt::RecordType::Commendation, dir.filePath(u"commendations.csv"_s), q);
    const qint64 csvMs = t.elapsed() - genMs;
    const auto wb = writeWorkbook(school, dir.filePath(u"workbook.xlsx"_s), q);
    const qint64 xlsxMs = t.elapsed() - genMs - csvMs;
    writeRosterCsv(school, dir.filePath(u"roster.csv"_s));
    writeStaffCsv(school, dir.filePath(u"staff.csv"_s));
    QFile exp(dir.filePath(u"expected.txt"_s));
    if (exp.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        QTextStream s(&exp);
        for (const ExportResult *r : {&inc, &com, &wb.first, &wb.second})
            s << r->counts.read << ' ' << r->counts.accepted << ' ' << r->counts.duplicatesIdentical << ' '
              << r->counts.duplicatesConflicting << ' ' << r->counts.quarantined << ' ' << r->counts.blank << '\n';
    }
    out() << "RESULT gen_ms=" << genMs << " csv_write_ms=" << csvMs << " xlsx_write_ms=" << xlsxMs
          << " rss_kb=" << peakRssKb() << Qt::endl;
    return 0;
}

int importMode(const QString &dirPath, bool xlsx, bool save)
{
    const QDir dir(dirPath);
    tt::Project project = tt::Project::create(
        tt::SchoolInfo{u"Wattle Grove Primary"_s, u"wattlegrove.example.edu.au"_s, u"Australia/Melbourne"_s});
    tt::Importer importer(project);
    QElapsedTimer t;
    t.start();
    const qint64 cpuBefore = cpuMs();
    qint64 bytes = 0;
    if (xlsx) {
        importer.importWorkbook(dir.filePath(u"workbook.xlsx"_s));
        bytes = fileSize(dir.filePath(u"workbook.xlsx"_s));
    } else {
        // as the CLI's import command and the wizard do: both files at once (two cores)
        importer.importCsvFiles({{dir.filePath(u"incidents.csv"_s), tt::RecordType::Incident},
                                 {dir.filePath(u"commendations.csv"_s), tt::RecordType::Commendation}});
        bytes = fileSize(dir.filePath(u"incidents.csv"_s)) + fileSize(dir.filePath(u"commendations.csv"_s));
    }
    if (qEnvironmentVariableIsSet("TT_BENCH_RSS")) {
        QFile statm(u"/proc/self/statm"_s);
        statm.open(QIODevice::ReadOnly);
        std::fprintf(stderr, "after import: rss %lld MB, records %zu (%zu bytes each, capacity %zu)\n",
                     statm.readAll().split(' ').value(1).toLongLong() * 4 / 1024, project.records().size(),
                     sizeof(tt::IncidentRecord), project.records().capacity());
    }
    const tt::RowCounts c = project.counts(); // dedupe is part of the import
    const qint64 ms = std::max<qint64>(1, t.elapsed());
    const qint64 importCpuMs = cpuMs() - cpuBefore;
    qint64 saveMs = 0;
    if (save) {
        const QString target = dir.filePath(u"bench-save.ttproj"_s);
        QElapsedTimer s;
        s.start();
        project.save(target);
        saveMs = std::max<qint64>(1, s.elapsed());
        QFile::remove(target);
    }
    out() << "RESULT ms=" << ms << " cpu_ms=" << importCpuMs << " save_ms=" << saveMs << " bytes=" << bytes << " read=" << c.read << " accepted=" << c.accepted
          << " identical=" << c.duplicatesIdentical << " conflicting=" << c.duplicatesConflicting
          << " quarantined=" << c.quarantined << " blank=" << c.blank << " rss_kb=" << peakRssKb() << Qt::endl;
    return 0;
}

// ---- parent --------------------------------------------------------------------------------------------------
QHash<QString, QString> runChild(const QStringList &args, QString *error)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QCoreApplication::applicationFilePath(), args);
    QHash<QString, QString> kv;
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = u"child %1 failed"_s.arg(args.join(u' '));
        return kv;
    }
    const QString text = QString::fromUtf8(p.readAllStandardOutput());
    for (const QString &line : text.split(u'\n')) {
        if (!line.startsWith(u"RESULT "_s))
            continue;
        for (const QString &pair : line.mid(7).split(u' ', Qt::SkipEmptyParts))
            kv.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    }
    return kv;
}

// Returns the best time in ms, or 0 when pandas is missing or failed.
qint64 pandasBench(const QDir &dir, qint64 csvBytes, qint64 *cpuMsOut)
{
    const tt::bench::PandasReadCsv r
        = tt::bench::pandasReadCsv({dir.filePath(u"incidents.csv"_s), dir.filePath(u"commendations.csv"_s)});
    if (!r.installed) {
        out() << "pandas:          not installed (python3 -c \"import pandas\" failed); skipped" << Qt::endl;
        return 0;
    }
    if (r.ms < 0) {
        out() << "pandas:          failed" << Qt::endl;
        return 0;
    }
    *cpuMsOut = r.cpuMs;
    out() << QString::asprintf("pandas read_csv: %8.2f s  %8.1f MB/s  %10.0f rows/s  (best of 3, dtype=str)",
                               r.ms / 1000.0, mb(csvBytes) / (r.ms / 1000.0), r.rows / (r.ms / 1000.0))
          << Qt::endl;
    return r.ms;
}

// The SheetJS package (npm xlsx) installed outside the repository by script/bench-references: $TT_BENCH_REF, then
// ~/.cache/tt-bench-ref. Empty when absent.
QString sheetJsModuleDir()
{
    QStringList roots;
    const QString env = qEnvironmentVariable("TT_BENCH_REF");
    if (!env.isEmpty())
        roots << env;
    roots << QDir::home().filePath(u".cache/tt-bench-ref"_s);
    for (const QString &root : roots)
        if (QFileInfo::exists(QDir(root).filePath(u"node_modules/xlsx/package.json"_s)))
            return QDir(root).filePath(u"node_modules"_s);
    return {};
}

// SheetJS reading the workbook to rows: XLSX.readFile + sheet_to_json(header: 1) of both tabs, best of 3.
// Returns the best time in ms, or 0 when node or the package is missing.
qint64 sheetJsBench(const QDir &dir, qint64 xlsxBytes, qint64 *cpuMsOut)
{
    const QString node = !QStandardPaths::findExecutable(u"node"_s).isEmpty() ? QStandardPaths::findExecutable(u"node"_s)
                                                                                : QStandardPaths::findExecutable(u"nodejs"_s);
    const QString modules = sheetJsModuleDir();
    if (node.isEmpty() || modules.isEmpty()) {
        out() << "SheetJS:         not installed (node and npm xlsx, see script/bench-references); skipped" << Qt::endl;
        return 0;
    }
    const QString script = uR"(const XLSX = require('xlsx');
let best = null, cpu = null, rows = 0;
for (let i = 0; i < 3; ++i) {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const wb = XLSX.readFile(process.argv[1]);
  rows = 0;
  for (const name of ['Incidents', 'Commendations'])
    if (wb.Sheets[name]) rows += XLSX.utils.sheet_to_json(wb.Sheets[name], {header: 1}).length;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  best = best === null ? ms : Math.min(best, ms);
  const used = process.cpuUsage(c);
  const cms = (used.user + used.system) / 1000;
  cpu = cpu === null ? cms : Math.min(cpu, cms);
}
console.log('RESULT ms=' + Math.round(best) + ' rows=' + rows + ' cpu_ms=' + Math.round(cpu));
)"_s;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"NODE_PATH"_s, modules);
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(node, {u"--max-old-space-size=8192"_s, u"-e"_s, script, u"--"_s, dir.filePath(u"workbook.xlsx"_s)});
    if (!p.waitForFinished(-1) || p.exitCode() != 0) {
        out() << "SheetJS:         failed" << Qt::endl;
        return 0;
    }
    const QString text = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    const qint64 ms = std::max<qint64>(1, text.section(u"ms="_s, 1).section(u' ', 0, 0).toLongLong());
    const qint64 rows = text.section(u"rows="_s, 1).section(u' ', 0, 0).toLongLong();
    *cpuMsOut = text.section(u"cpu_ms="_s, 1).section(u' ', 0, 0).toLongLong();
    out() << QString::asprintf("SheetJS read:    %8.2f s  %8.1f MB/s  %10.0f rows/s  (best of 3, readFile + "
                               "sheet_to_json header:1, both tabs)",
                               ms / 1000.0, mb(xlsxBytes) / (ms / 1000.0), rows / (ms / 1000.0))
          << Qt::endl;
    return ms;
}

// "CSV vs pandas:   0.42 x (target <= 0.50: met)"
void ratioLine(const char *label, double oursS, qint64 refMs, const char *refName)
{
    if (refMs <= 0 || oursS <= 0) {
        out() << label << "no reference (" << refName << " not installed)" << Qt::endl;
        return;
    }
    const double ratio = oursS / (refMs / 1000.0);
    out() << label
          << QString::asprintf("%.2f s / %.2f s = %.2f x %s (target <= 0.50: %s)", oursS, refMs / 1000.0, ratio,
                               refName, ratio <= 0.5 ? "met" : "NOT met")
          << Qt::endl;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Times the import of generated TrackTally exports."_s);
    parser.addHelpOption();
    parser.addOption({u"rows"_s, u"Logs to generate (default 1000000)."_s, u"n"_s, u"1000000"_s});
    parser.addOption({u"dir"_s, u"Where the generated files are (generated when absent)."_s, u"dir"_s});
    parser.addOption({u"generate-only"_s, u"(internal) generate the files and exit."_s});
    parser.addOption({u"import"_s, u"(internal) import csv|xlsx and print the result."_s, u"kind"_s});
    parser.addOption({u"repeat"_s, u"Runs of each import; the best is shown (default 1)."_s, u"n"_s, u"1"_s});
    parser.addOption({u"save"_s, u"Also time Project::save() after each import (a separate line)."_s});
    parser.process(app);

    const int rows = parser.value(u"rows"_s).toInt();
    const QString dirPath = parser.isSet(u"dir"_s) ? parser.value(u"dir"_s)
                                                   : QDir::temp().filePath(u"tt-bench-import-%1"_s.arg(rows));
    try {
        if (parser.isSet(u"generate-only"_s))
            return generate(dirPath, rows);
        if (parser.isSet(u"import"_s)) {
            return importMode(dirPath, parser.value(u"import"_s) == u"xlsx"_s, parser.isSet(u"save"_s));
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_import: %s\n", e.what());
        return 1;
    }

    QDir().mkpath(dirPath);
    const QDir dir(dirPath);
    bool present = true;
    for (const char *f : kFiles)
        present = present && QFileInfo::exists(dir.filePath(QString::fromLatin1(f)));
    out() << "bench_import: " << rows << " logs in " << dirPath << Qt::endl;
    QString error;
    if (!present) {
        QElapsedTimer t;
        t.start();
        const auto g = runChild({u"--generate-only"_s, u"--rows"_s, QString::number(rows), u"--dir"_s, dirPath}, &error);
        if (!error.isEmpty()) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        out() << QString::asprintf("generation:      %8.2f s  (truth %.2f s, CSV write %.2f s, XLSX write %.2f s, "
                                   "peak RSS %.0f MB)",
                                   t.elapsed() / 1000.0, g.value(u"gen_ms"_s).toDouble() / 1000.0,
                                   g.value(u"csv_write_ms"_s).toDouble() / 1000.0,
                                   g.value(u"xlsx_write_ms"_s).toDouble() / 1000.0,
                                   g.value(u"rss_kb"_s).toDouble() / 1024.0)
              << Qt::endl;
    } else {
        out() << "generation:      skipped (files present)" << Qt::endl;
    }
    const qint64 csvBytes = fileSize(dir.filePath(u"incidents.csv"_s)) + fileSize(dir.filePath(u"commendations.csv"_s));
    const qint64 xlsxBytes = fileSize(dir.filePath(u"workbook.xlsx"_s));
    out() << QString::asprintf("input:           CSV %.1f MB, XLSX %.1f MB", mb(csvBytes), mb(xlsxBytes)) << Qt::endl;

    // expected counts written by the generator: csv incidents, csv commendations, xlsx incidents, xlsx commendations
    qint64 expectedRead[2] = {0, 0};
    {
        QFile exp(dir.filePath(u"expected.txt"_s));
        if (exp.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = exp.readAll().split('\n');
            for (int i = 0; i < 4 && i < lines.size(); ++i)
                expectedRead[i / 2] += lines[i].split(' ').value(0).toLongLong();
        }
    }
    const int repeat = std::max(1, parser.value(u"repeat"_s).toInt());
    double importS[2] = {0, 0}, importRss[2] = {0, 0}, saveS[2] = {0, 0}, importCpuS[2] = {0, 0};
    for (int x = 0; x < 2; ++x) {
        const bool xlsx = x == 1;
        QHash<QString, QString> r;
        for (int i = 0; i < repeat; ++i) { // the best of the runs (the machine is shared)
            QStringList args{u"--import"_s, xlsx ? u"xlsx"_s : u"csv"_s, u"--dir"_s, dirPath};
            if (parser.isSet(u"save"_s))
                args << u"--save"_s;
            const auto run = runChild(args, &error);
            if (!error.isEmpty())
                break;
            // best by what the target measures: the import, and its save when --save is given
            auto total = [](const QHash<QString, QString> &v) {
                return v.value(u"ms"_s).toDouble() + v.value(u"save_ms"_s).toDouble();
            };
            if (r.isEmpty() || total(run) < total(r))
                r = run;
        }
        if (!error.isEmpty()) {
            out() << (xlsx ? "XLSX import:     " : "CSV import:      ") << error << Qt::endl;
            error.clear();
            continue;
        }
        const double s = r.value(u"ms"_s).toDouble() / 1000.0;
        const qint64 bytes = r.value(u"bytes"_s).toLongLong();
        const qint64 read = r.value(u"read"_s).toLongLong();
        const double rssMb = r.value(u"rss_kb"_s).toDouble() / 1024.0;
        out() << QString::asprintf("%s %8.2f s  %8.1f MB/s  %10.0f rows/s  peak RSS %.0f MB = %.2f x input",
                                   xlsx ? "XLSX import:    " : "CSV import:     ", s, mb(bytes) / s, read / s, rssMb,
                                   rssMb / std::max(0.001, mb(bytes)))
              << Qt::endl;
        importS[x] = s;
        importCpuS[x] = r.value(u"cpu_ms"_s).toDouble() / 1000.0;
        importRss[x] = rssMb / std::max(0.001, mb(bytes));
        saveS[x] = r.value(u"save_ms"_s).toDouble() / 1000.0;
        if (parser.isSet(u"save"_s))
            out() << QString::asprintf("%s %8.2f s  (Project::save() after the import; import + save %.2f s)",
                                       xlsx ? "XLSX save:      " : "CSV save:       ", saveS[x], s + saveS[x])
                  << Qt::endl;
        out() << QString::asprintf("                 read %lld (expected %lld), accepted %lld, identical %lld, "
                                   "conflicting %lld, quarantined %lld, blank %lld",
                                   read, expectedRead[x], r.value(u"accepted"_s).toLongLong(),
                                   r.value(u"identical"_s).toLongLong(), r.value(u"conflicting"_s).toLongLong(),
                                   r.value(u"quarantined"_s).toLongLong(), r.value(u"blank"_s).toLongLong())
              << Qt::endl;
    }
    qint64 pandasCpuMs = 0, sheetJsCpuMs = 0;
    const qint64 pandasMs = pandasBench(dir, csvBytes, &pandasCpuMs);
    const qint64 sheetJsMs = sheetJsBench(dir, xlsxBytes, &sheetJsCpuMs);
    // The issue's CSV target counts parse, validate, dedupe and save; without --save the line says it is the
    // import alone.
    const bool saved = parser.isSet(u"save"_s);
    ratioLine(saved ? "CSV vs pandas:   (import + save) " : "CSV vs pandas:   (import only, no --save) ",
              importS[0] + saveS[0], pandasMs, "pandas.read_csv");
    if (importS[0] > 0)
        out() << QString::asprintf("CSV peak memory: %.2f x input (target <= 2.00: %s)", importRss[0],
                                   importRss[0] <= 2.0 ? "met" : "NOT met")
              << Qt::endl;
    ratioLine(saved ? "XLSX vs SheetJS: (import + save) " : "XLSX vs SheetJS: (import only, no --save) ",
              importS[1] + saveS[1], sheetJsMs, "SheetJS");
    // CPU time (every thread) of the same runs: steadier than wall time on a shared machine; our import uses two
    // threads, so its wall time on an idle two-core machine lies between half its CPU time and its CPU time.
    if (pandasCpuMs > 0 && importCpuS[0] > 0)
        out() << QString::asprintf("CSV CPU time:    %.2f s vs pandas.read_csv %.2f s = %.2f x", importCpuS[0],
                                   pandasCpuMs / 1000.0, importCpuS[0] / (pandasCpuMs / 1000.0))
              << Qt::endl;
    if (sheetJsCpuMs > 0 && importCpuS[1] > 0)
        out() << QString::asprintf("XLSX CPU time:   %.2f s vs SheetJS %.2f s = %.2f x", importCpuS[1],
                                   sheetJsCpuMs / 1000.0, importCpuS[1] / (sheetJsCpuMs / 1000.0))
              << Qt::endl;
    return 0;
}
