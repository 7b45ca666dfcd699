#pragma once
// The pandas reference of the benchmarks (bench_import, bench_report): pandas.read_csv(dtype=str) of the same CSV
// files, best of 3, wall and CPU time, in a python3 that has pandas (the one on PATH first, then the system one:
// a pyenv shim on PATH may lack the distribution's pandas). An optional install (script/bench-references), never
// a dependency of the app or its tests.
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace tt::bench {

struct PandasReadCsv
{
    bool installed = false; // a python3 that imports pandas was found
    qint64 ms = -1;         // best wall time; -1 when not installed or it failed
    qint64 cpuMs = 0;       // best CPU time
    qint64 rows = 0;
};

inline PandasReadCsv pandasReadCsv(const QStringList &files)
{
    using namespace Qt::Literals::StringLiterals;
    PandasReadCsv r;
    QString python;
    for (const QString &candidate : {u"python3"_s, u"/usr/bin/python3"_s}) {
        QProcess probe;
        probe.start(candidate, {u"-c"_s, u"import pandas"_s});
        if (probe.waitForFinished(60000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0) {
            python = candidate;
            break;
        }
    }
    if (python.isEmpty())
        return r;
    r.installed = true;
    const QString script = uR"(import sys, time, pandas
best = None
cpu = None
rows = 0
for _ in range(3):
    t = time.perf_counter()
    c = time.process_time()
    rows = sum(len(pandas.read_csv(f, dtype=str)) for f in sys.argv[1:])
    d = time.perf_counter() - t
    best = d if best is None else min(best, d)
    c = time.process_time() - c
    cpu = c if cpu is None else min(cpu, c)
print("RESULT ms=%d rows=%d cpu_ms=%d" % (best * 1000, rows, cpu * 1000))
)"_s;
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(python, QStringList{u"-c"_s, script} + files);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return r;
    const QString text = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    r.ms = std::max<qint64>(1, text.section(u"ms="_s, 1).section(u' ', 0, 0).toLongLong());
    r.rows = text.section(u"rows="_s, 1).section(u' ', 0, 0).toLongLong();
    r.cpuMs = text.section(u"cpu_ms="_s, 1).section(u' ', 0, 0).toLongLong();
    return r;
}

} // namespace tt::bench
