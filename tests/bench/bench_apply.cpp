// bench_apply: applying N incidents (default 262,144, issue #14's size) with RecoveryWriter into a fresh
// sandbox database (verified backup, dry-run plan, one transaction), against `psql \copy` of exactly the rows
// that apply wrote (read back with COPY … TO) into every table of another fresh database with the same schema
// and constraints, in one transaction. Best of --runs (default 2) each. Then the `tracktally-recovery apply`
// command end to end on a project imported with the app (generated school, N logs), its steps as it reports them
// (TT_APPLY_TIMINGS): opening the project and rebuilding the roster apart from the writer (--no-cli skips it).
// Prints figures; not a test.
//   bench_apply [incidents] [--runs N] [--no-cli]
#include "bench_apply_cli.h"
#include "dbtestsupport.h"

#include "database/database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace tt;
using namespace tt::test;

namespace {

// Every table apply writes, parents first (the order \copy loads them in).
const QStringList kTables = {u"Organization"_s, u"Teacher"_s,  u"Classroom"_s, u"TeacherClass"_s,
                             u"Student"_s,      u"Incident"_s, u"AuditLog"_s};

void runPsql(const QString &url, const QString &script, bool oneTransaction)
{
    QStringList args = {u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-d"_s, url, u"-f"_s, script};
    if (oneTransaction)
        args.prepend(u"-1"_s);
    QProcess psql;
    psql.start(u"psql"_s, args);
    if (!psql.waitForFinished(-1) || psql.exitStatus() != QProcess::NormalExit || psql.exitCode() != 0)
        throw std::runtime_error("psql: " + psql.readAllStandardError().toStdString());
}

void writeScript(const QString &path, const QString &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0)
        throw std::runtime_error("cannot write " + path.toStdString());
}

// The app's `apply` end to end into a fresh database, best of `runs`: its wall time and the lines it reported
// with TT_APPLY_TIMINGS ("timing <step>: <ms> ms").
void benchCommand(const Sandbox &sandbox, const QString &dir, int logs, int runs)
{
    const QString project = importGeneratedProject(QStringLiteral(TT_APP_PATH), dir, logs);
    double best = 1e9;
    QStringList bestSteps;
    for (int k = 0; k < runs; ++k) {
        const QString name = u"bench_cli_%1"_s.arg(k);
        const QString url = createScratchDatabase(sandbox, name);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"TT_APPLY_TIMINGS"_s, u"1"_s);
        app.setProcessEnvironment(env);
        app.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer t;
        t.start();
        app.start(QStringLiteral(TT_APP_PATH), {u"apply"_s, u"--project"_s, project, u"--database"_s, url,
                                                u"--backup-dir"_s, dir + u"/backups"_s, u"--confirm"_s, name,
                                                u"--accept-suggestions"_s});
        if (!app.waitForFinished(-1) || app.exitStatus() != QProcess::NormalExit || app.exitCode() != 0)
            throw std::runtime_error("tracktally-recovery apply: " + app.readAllStandardError().toStdString());
        const double seconds = t.nsecsElapsed() / 1e9;
        std::printf("  apply command run %d: %.2f s\n", k + 1, seconds);
        if (seconds < best) {
            best = seconds;
            bestSteps.clear();
            for (const QString &line : QString::fromUtf8(app.readAllStandardError()).split(u'\n'))
                if (line.startsWith(u"timing "_s))
                    bestSteps << line.mid(7);
        }
    }
    std::printf("tracktally-recovery apply (end to end, %d generated logs imported with the app): %.2f s\n", logs,
                best);
    for (const QString &step : std::as_const(bestSteps))
        std::printf("    %s\n", qPrintable(step));
}

QString tableCounts(const QString &url)
{
    QStringList counts;
    for (const QString &t : kTables)
        counts << queryValue(url, u"SELECT count(*) FROM \"%1\""_s.arg(t));
    return counts.join(u'|');
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    int n = 262144, runs = 2;
    bool command = true;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == u"--runs"_s && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
        else if (args[i] == u"--no-cli"_s)
            command = false;
        else if (bool ok = false; args[i].toInt(&ok) >= 0 && ok)
            n = args[i].toInt();
        else {
            std::fprintf(stderr, "usage: bench_apply [LOGS (default 262144)] [--runs N] [--no-cli]\n");
            return args[i] == u"--help"_s || args[i] == u"-h"_s ? 0 : 2;
        }
    }
    QTemporaryDir dir;
    Sandbox sandbox = Sandbox::start(dir.filePath(u"sandbox"_s));
    int rc = 0;
    try {
        SchoolSpec spec;
        spec.incidents = n;
        spec.students = 600;
        spec.classes = 24;
        spec.teachers = 30;
        spec.specialists = 3;
        QElapsedTimer t;
        t.start();
        const RecoveryInput in = makeSchool(spec);
        std::printf("generated %d incidents in %.1f s\n", n, t.elapsed() / 1000.0);

        // 1. RecoveryWriter::apply (target checks, dry-run plan, verified backup, one transaction) into a fresh
        //    database of the sandbox's schema, best of `runs`.
        ApplyResult best;
        double applySeconds = 1e9;
        QString appliedUrl;
        for (int k = 0; k < runs; ++k) {
            const QString url = createScratchDatabase(sandbox, u"bench_apply_%1"_s.arg(k));
            Database db(ConnectionSpec::parse(url), 0);
            ApplyOptions o;
            o.confirmDatabase = db.databaseName();
            o.backupDir = dir.filePath(u"backups"_s);
            t.restart();
            ApplyResult r = RecoveryWriter(db, in).apply(o);
            const double seconds = t.nsecsElapsed() / 1e9;
            std::printf("  apply run %d: %.2f s\n", k + 1, seconds);
            if (seconds < applySeconds) {
                applySeconds = seconds;
                best = std::move(r);
                appliedUrl = url;
            }
        }

        // 2. Exactly the rows apply wrote, every table, read back with COPY … TO (not timed), then loaded with
        //    psql \copy into a fresh database of the same schema and constraints, in one transaction.
        QString exportScript, loadScript;
        for (const QString &table : kTables) {
            const QString file = dir.filePath(table + u".copy"_s);
            exportScript += u"\\copy \"%1\" TO '%2'\n"_s.arg(table, file);
            loadScript += u"\\copy \"%1\" FROM '%2'\n"_s.arg(table, file);
        }
        writeScript(dir.filePath(u"export.sql"_s), exportScript);
        writeScript(dir.filePath(u"load.sql"_s), loadScript);
        runPsql(appliedUrl, dir.filePath(u"export.sql"_s), false);
        double copySeconds = 1e9;
        QString loadedUrl;
        for (int k = 0; k < runs; ++k) {
            loadedUrl = createScratchDatabase(sandbox, u"bench_copy_%1"_s.arg(k));
            t.restart();
            runPsql(loadedUrl, dir.filePath(u"load.sql"_s), true);
            const double seconds = t.nsecsElapsed() / 1e9;
            std::printf("  \\copy run %d: %.2f s\n", k + 1, seconds);
            copySeconds = std::min(copySeconds, seconds);
        }
        const QString applied = tableCounts(appliedUrl), loadedCounts = tableCounts(loadedUrl);
        if (applied != loadedCounts)
            throw std::runtime_error((u"\\copy loaded "_s + loadedCounts + u", apply wrote "_s + applied).toStdString());
        const QString loaded = queryValue(loadedUrl, u"SELECT count(*) FROM \"Incident\""_s);

        std::printf("RecoveryWriter::apply: %lld incidents (+%lld students, %lld classes) in %.2f s "
                    "(plan + verified backup + one transaction), %lld statements in the transaction\n",
                    (long long)best.insertedIncidents, (long long)best.insertedStudents,
                    (long long)best.insertedClassrooms, applySeconds, (long long)best.statements);
        std::printf("  breakdown of that run:\n");
        double sum = 0;
        for (const ApplyStep &s : best.steps) {
            std::printf("    %-28s %8.1f ms\n", qPrintable(s.name), s.ms);
            sum += s.ms;
        }
        std::printf("    %-28s %8.1f ms\n", "(outside the steps)", applySeconds * 1000 - sum);
        std::printf("psql \\copy:            %s incidents in %.2f s (every table: %s rows of %s, one transaction)\n",
                    qPrintable(loaded), copySeconds, qPrintable(loadedCounts), qPrintable(kTables.join(u'|')));
        std::printf("ratio apply / \\copy:   %.2f (target <= 1.30: %s)\n", applySeconds / copySeconds,
                    applySeconds / copySeconds <= 1.3 ? "met" : "NOT met");
        // 3. Apply again into the database that now holds the rows: writes nothing (its backup now has them).
        {
            Database db(ConnectionSpec::parse(appliedUrl), 0);
            ApplyOptions o;
            o.confirmDatabase = db.databaseName();
            o.backupDir = dir.filePath(u"backups"_s);
            t.restart();
            const ApplyResult again = RecoveryWriter(db, in).apply(o);
            std::printf("apply again (nothing new%s): %.2f s:", again.nothingToWrite ? "" : " EXPECTED, but it wrote",
                        t.nsecsElapsed() / 1e9);
            for (const ApplyStep &s : again.steps)
                std::printf(" %s %.0f ms;", qPrintable(s.name), s.ms);
            std::printf("\n");
        }
        if (command)
            benchCommand(sandbox, dir.path(), n, runs);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_apply: %s\n", e.what());
        rc = 1;
    }
    sandbox.stop();
    return rc;
}
