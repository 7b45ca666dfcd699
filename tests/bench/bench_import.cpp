// bench_import [--rows N] [--dir DIR]
// Generates (once) N logs as Incidents/Commendations CSVs and an XLSX of the same rows with the seeded fixture
// generator, then times: generation; CSV import (MB/s, rows/s); XLSX import (MB/s of the .xlsx, rows/s);
// peak RSS of each import against its input size; and pandas.read_csv(dtype=str) over the same CSVs when
// pandas is installed. Each phase runs in its own process so that its peak RSS is its own.
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

int importMode(const QString &dirPath, bool xlsx)
{
    const QDir dir(dirPath);
    tt::Project project = tt::Project::create(
        tt::SchoolInfo{u"Wattle Grove Primary"_s, u"wattlegrove.example.edu.au"_s, u"Australia/Melbourne"_s});
    tt::Importer importer(project);
    QElapsedTimer t;
    t.start();
    qint64 bytes = 0;
    if (xlsx) {
        importer.importWorkbook(dir.filePath(u"workbook.xlsx"_s));
        bytes = fileSize(dir.filePath(u"workbook.xlsx"_s));
    } else {
        importer.importCsv(dir.filePath(u"incidents.csv"_s), tt::RecordType::Incident);
        importer.importCsv(dir.filePath(u"commendations.csv"_s), tt::RecordType::Commendation);
        bytes = fileSize(dir.filePath(u"incidents.csv"_s)) + fileSize(dir.filePath(u"commendations.csv"_s));
    }
    const qint64 ms = std::max<qint64>(1, t.elapsed());
    const tt::RowCounts c = project.counts();
    out() << "RESULT ms=" << ms << " bytes=" << bytes << " read=" << c.read << " accepted=" << c.accepted
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

void pandasBench(const QDir &dir, qint64 csvBytes)
{
    // python3 on PATH first; the system one too (a pyenv shim on PATH may lack the distribution's pandas)
    QString python;
    for (const QString &candidate : {u"python3"_s, u"/usr/bin/python3"_s}) {
        QProcess probe;
        probe.start(candidate, {u"-c"_s, u"import pandas"_s});
        if (probe.waitForFinished(60000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0) {
            python = candidate;
            break;
        }
    }
    if (python.isEmpty()) {
        out() << "pandas:          not installed (python3 -c \"import pandas\" failed); skipped" << Qt::endl;
        return;
    }
    const QString script = uR"(import sys, time, pandas
best = None
rows = 0
for _ in range(3):
    t = time.perf_counter()
    rows = sum(len(pandas.read_csv(f, dtype=str)) for f in sys.argv[1:])
    d = time.perf_counter() - t
    best = d if best is None else min(best, d)
print("RESULT ms=%d rows=%d" % (best * 1000, rows))
)"_s;
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(python, {u"-c"_s, script, dir.filePath(u"incidents.csv"_s), dir.filePath(u"commendations.csv"_s)});
    if (!p.waitForFinished(-1) || p.exitCode() != 0) {
        out() << "pandas:          failed" << Qt::endl;
        return;
    }
    const QString text = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    const qint64 ms = std::max<qint64>(1, text.section(u"ms="_s, 1).section(u' ', 0, 0).toLongLong());
    const qint64 rows = text.section(u"rows="_s, 1).toLongLong();
    out() << QString::asprintf("pandas read_csv: %8.2f s  %8.1f MB/s  %10.0f rows/s  (best of 3, dtype=str)",
                               ms / 1000.0, mb(csvBytes) / (ms / 1000.0), rows / (ms / 1000.0))
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
    parser.process(app);

    const int rows = parser.value(u"rows"_s).toInt();
    const QString dirPath = parser.isSet(u"dir"_s) ? parser.value(u"dir"_s)
                                                   : QDir::temp().filePath(u"tt-bench-import-%1"_s.arg(rows));
    try {
        if (parser.isSet(u"generate-only"_s))
            return generate(dirPath, rows);
        if (parser.isSet(u"import"_s)) {
            return importMode(dirPath, parser.value(u"import"_s) == u"xlsx"_s);
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
    for (int x = 0; x < 2; ++x) {
        const bool xlsx = x == 1;
        const auto r = runChild({u"--import"_s, xlsx ? u"xlsx"_s : u"csv"_s, u"--dir"_s, dirPath}, &error);
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
        out() << QString::asprintf("                 read %lld (expected %lld), accepted %lld, identical %lld, "
                                   "conflicting %lld, quarantined %lld, blank %lld",
                                   read, expectedRead[x], r.value(u"accepted"_s).toLongLong(),
                                   r.value(u"identical"_s).toLongLong(), r.value(u"conflicting"_s).toLongLong(),
                                   r.value(u"quarantined"_s).toLongLong(), r.value(u"blank"_s).toLongLong())
              << Qt::endl;
    }
    pandasBench(dir, csvBytes);
    return 0;
}
