// bench_apply: applying N incidents (default 1,000,000) with RecoveryWriter into a local sandbox, against the
// time `psql \copy` needs to load the same rows into the same table. Prints figures; not a test.
//   bench_apply [incidents]
#include "dbtestsupport.h"

#include "database/cuid.h"
#include "database/database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace tt;
using namespace tt::test;

namespace {

QString csvField(const QString &v, bool nullable)
{
    if (v.isEmpty() && nullable)
        return {};
    QString q = v;
    q.replace(u'"', u"\"\""_s);
    return u'"' + q + u'"';
}

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 1000000;
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

        // 1. RecoveryWriter::apply (plan, backup, one transaction) into an empty schema.
        const QString urlA = createScratchDatabase(sandbox, u"bench_apply"_s);
        Database db(ConnectionSpec::parse(urlA), 0);
        ApplyOptions o;
        o.confirmDatabase = db.databaseName();
        o.backupDir = dir.filePath(u"backups"_s);
        t.restart();
        const ApplyResult r = RecoveryWriter(db, in).apply(o);
        const double applySeconds = t.elapsed() / 1000.0;

        // 2. The same rows with psql \copy into the same table (roster rows first, not timed).
        const QString urlB = createScratchDatabase(sandbox, u"bench_copy"_s);
        RecoveryInput rosterOnly = in;
        rosterOnly.records.clear();
        rosterOnly.roster.links.clear();
        {
            Database dbB(ConnectionSpec::parse(urlB), 0);
            ApplyOptions ob = o;
            ob.confirmDatabase = dbB.databaseName();
            RecoveryWriter(dbB, rosterOnly).apply(ob);
        }
        const QString org = queryValue(urlB, u"SELECT \"id\" FROM \"Organization\""_s);
        QHash<QString, QString> classIds;
        for (const QString &row : queryRows(urlB, u"SELECT \"code\", \"id\" FROM \"Classroom\""_s))
            classIds.insert(row.section(u'\t', 0, 0), row.section(u'\t', 1, 1));
        const QString csvPath = dir.filePath(u"incidents.csv"_s);
        {
            QFile f(csvPath);
            if (!f.open(QIODevice::WriteOnly))
                throw std::runtime_error("cannot write the CSV");
            for (size_t i = 0; i < in.records.size(); ++i) {
                const IncidentRecord &rec = in.records[i];
                const RecordLink &l = in.roster.links[i];
                const QString ts = utc(rec.timestampMs);
                const QStringList fields = {
                    newCuid(), rec.uuid, ts, recordTypeKey(rec.type), csvField(l.studentId, true),
                    csvField(rec.studentName, false), classIds.value(l.classCode),
                    csvField(l.classCode.isEmpty() ? rec.classCode : l.classCode, true), csvField(rec.teacherEmail, false),
                    csvField(rec.level, false), csvField(rec.category, false), csvField(rec.location, false),
                    csvField(rec.actionTaken, true), csvField(rec.note, true), csvField(rec.device, true), ts, org};
                f.write(fields.join(u',').toUtf8());
                f.write("\n");
            }
        }
        const QString copy = uR"(\copy "Incident" ("id","uuid","timestamp","type","studentId","studentName","classroomId","classCode","teacherEmail","level","category","location","actionTaken","note","device","createdAt","organizationId") FROM '%1' WITH (FORMAT csv))"_s
                                 .arg(csvPath);
        QProcess psql;
        t.restart();
        psql.start(u"psql"_s, {u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-d"_s, urlB, u"-c"_s, copy});
        psql.waitForFinished(-1);
        const double copySeconds = t.elapsed() / 1000.0;
        if (psql.exitCode() != 0)
            throw std::runtime_error(psql.readAllStandardError().toStdString());
        const QString loaded = queryValue(urlB, u"SELECT count(*) FROM \"Incident\""_s);

        std::printf("RecoveryWriter::apply: %lld incidents (+%lld students, %lld classes) in %.2f s "
                    "(plan + verified backup + one transaction), %lld statements in the transaction\n",
                    (long long)r.insertedIncidents, (long long)r.insertedStudents, (long long)r.insertedClassrooms,
                    applySeconds, (long long)r.statements);
        std::printf("psql \\copy:            %s incidents in %.2f s\n", qPrintable(loaded), copySeconds);
        std::printf("ratio apply / \\copy:   %.2f\n", applySeconds / copySeconds);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_apply: %s\n", e.what());
        rc = 1;
    }
    sandbox.stop();
    return rc;
}
