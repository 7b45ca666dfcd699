// Roster snapshots end to end, against the real sandbox PostgreSQL: a generated school (ground truth known,
// with students who moved class, specialists, names the logs spell differently) is written to a database;
// `snapshot` writes its roster as CSV in TrackTally's column names (0600 files in a 0700 folder); a fresh
// project imported from the same sheet and rebuilt with `reconstruct --snapshot` has exactly that roster and
// not one question left. A damaged snapshot is refused naming its file, row and field.
#include "fixturegenerator.h"

#include "database/database.h"
#include "database/recoverywriter.h"
#include "database/sandbox.h"
#include "roster/rostersnapshot.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pqxx/pqxx>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

const QString kDatabase = u"tst_snapshot"_s;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runApp(const QStringList &args)
{
    QProcess p;
    p.start(qEnvironmentVariable("TT_APP"), args);
    Run r;
    if (!p.waitForFinished(180000))
        return r;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

// Notes a school writes: commas, quotes, new lines, formula-like starts, a leading apostrophe, emoji.
const QStringList kNotes = {QString(), u"Asthma: inhaler in the office"_s, u"=Sees the OT on Mondays"_s,
                            u"'Quoted' by the old system, \"twice\", with commas"_s, u"Line one\nline two 🌟"_s,
                            u"-3 days absent, then back"_s, u"@home learning in term 2"_s};

RecoveryInput truthAsInput(const School &school)
{
    RecoveryInput in;
    in.school = {school.spec.name, school.spec.domain, school.spec.timeZone};
    in.projectSha256 = QString(64, u'b');
    for (const TruthTeacher &t : school.teachers) {
        TeacherDraft d;
        d.email = t.email;
        d.displayName = t.displayName;
        d.role = t.role;
        d.isSpecialist = t.specialist;
        in.roster.teachers.push_back(d);
    }
    for (const TruthClass &c : school.classes) {
        ClassroomDraft d;
        d.code = c.code;
        d.name = c.name;
        d.homeroomTeacherEmail = c.homeroomEmail;
        d.specialistEmails = c.specialistEmails;
        in.roster.classrooms.push_back(d);
    }
    for (size_t i = 0; i < school.students.size(); ++i) {
        const TruthStudent &s = school.students[i];
        StudentDraft d;
        d.studentId = s.studentId;
        d.firstName = s.firstName;
        d.lastName = s.lastName;
        d.classCode = s.finalClassCode;
        d.guardians = s.guardians;
        d.notes = kNotes[i % kNotes.size()];
        in.roster.students.push_back(d);
    }
    in.records = school.logs;
    for (const IncidentRecord &r : school.logs) {
        RecordLink l;
        l.studentId = r.studentId;
        l.classCode = r.classCode;
        l.teacherEmail = r.teacherEmail;
        in.roster.links.push_back(l);
    }
    return in;
}

QString studentLine(const QString &id, const QString &first, const QString &last, const QString &cls,
                    const QString &guardians, const QString &notes)
{
    return QStringList{id, first, last, cls, guardians, notes}.join(u'|');
}

} // namespace

class tst_Snapshot : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void snapshotIsPrivateAndInTrackTallysColumns();
    void reconstructFromSnapshotHasNoQuestions();
    void damagedSnapshotIsRefused_data();
    void damagedSnapshotIsRefused();
    void cellsRoundTrip_data();
    void cellsRoundTrip();

private:
    QTemporaryDir m_tmp;
    Sandbox m_sandbox;
    QString m_url;
    School m_school;
    QString m_snapshot;
    Run m_snapshotRun;
};

void tst_Snapshot::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const QString dir = qEnvironmentVariable("TT_SANDBOX_DIR");
    QVERIFY2(!dir.isEmpty(), "run through ctest (fixture database_sandbox)");
    m_sandbox = Sandbox::open(dir);
    {
        pqxx::connection c(m_sandbox.urlFor(u"postgres"_s).toStdString());
        pqxx::nontransaction tx(c);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(kDatabase.toStdString()));
        tx.exec("CREATE DATABASE " + tx.quote_name(kDatabase.toStdString()) + " TEMPLATE tracktally_sandbox");
    }
    m_url = m_sandbox.urlFor(kDatabase);
    SchoolSpec spec;
    spec.seed = 16;
    spec.classes = 5;
    spec.studentsPerClass = 9;
    spec.logs = 900;
    m_school = generateSchool(spec);
    Database db(ConnectionSpec::parse(m_url));
    ApplyOptions o;
    o.confirmDatabase = kDatabase;
    o.backupDir = m_tmp.filePath(u"apply-backup"_s);
    RecoveryWriter(db, truthAsInput(m_school)).apply(o);
    m_snapshot = m_tmp.filePath(u"snapshot"_s);
    m_snapshotRun = runApp({u"snapshot"_s, u"--database"_s, m_url, u"--domain"_s, spec.domain, u"--out"_s, m_snapshot});
    QVERIFY2(m_snapshotRun.exitCode == 0, qPrintable(m_snapshotRun.out + m_snapshotRun.err));
}

void tst_Snapshot::cleanupTestCase()
{
    pqxx::connection c(m_sandbox.urlFor(u"postgres"_s).toStdString());
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(kDatabase.toStdString()) + " WITH (FORCE)");
}

void tst_Snapshot::snapshotIsPrivateAndInTrackTallysColumns()
{
    QVERIFY2(m_snapshotRun.out.contains(u"%1 teachers, %2 classrooms, %3 students"_s.arg(m_school.teachers.size())
                                            .arg(m_school.classes.size())
                                            .arg(m_school.students.size())),
             qPrintable(m_snapshotRun.out));
    // 0700: nothing for group and others (Qt's Group and Other bits are 0x0070 and 0x0007).
    QCOMPARE(QFile::permissions(m_snapshot) & 0x0077, QFileDevice::Permissions());
    QVERIFY(QFile::permissions(m_snapshot).testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    const QStringList expectedHeaders = {u"email,displayName,role,isSpecialist,active"_s,
                                         u"code,name,archived,homeroomTeacherEmail,specialistEmails"_s,
                                         u"studentId,firstName,lastName,classCode,guardians,notes,active"_s};
    const QStringList files = {u"teachers.csv"_s, u"classrooms.csv"_s, u"students.csv"_s};
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString path = QDir(m_snapshot).filePath(files[i]);
        QCOMPARE(QFile::permissions(path) & 0x0077, QFileDevice::Permissions()); // 0600
        QVERIFY(QFile::permissions(path).testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(!QFile::permissions(path).testFlag(QFileDevice::ExeOwner));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QString header = QString::fromUtf8(f.readLine()).trimmed();
        header.remove(u'\uFEFF');
        QCOMPARE(header, expectedHeaders[i]);
    }
    // Read back, it is the database's roster, notes and all.
    const RosterSnapshot s = RosterSnapshot::read(m_snapshot);
    QCOMPARE(s.students.size(), m_school.students.size());
    QStringList notes;
    for (const SnapshotStudent &st : s.students)
        notes << st.notes;
    for (const QString &n : kNotes)
        QVERIFY2(notes.contains(n), qPrintable(n));
}

void tst_Snapshot::reconstructFromSnapshotHasNoQuestions()
{
    // The sheet as the school still has it (clean export of both tabs) into a new project.
    const QString incidents = m_tmp.filePath(u"Incidents.csv"_s);
    const QString commendations = m_tmp.filePath(u"Commendations.csv"_s);
    writeCsvTab(m_school, RecordType::Incident, incidents, QuirkOptions::none());
    writeCsvTab(m_school, RecordType::Commendation, commendations, QuirkOptions::none());
    const QString project = m_tmp.filePath(u"rebuilt.ttrp"_s);
    Run r = runApp({u"import"_s, u"--project"_s, project, u"--school"_s, m_school.spec.name, u"--domain"_s,
                    m_school.spec.domain, u"--timezone"_s, m_school.spec.timeZone, u"--incidents"_s, incidents,
                    u"--commendations"_s, commendations});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    // Without the snapshot, the logs alone leave questions (the control: the snapshot must make the difference).
    r = runApp({u"reconstruct"_s, u"--project"_s, project});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const QString json0 = m_tmp.filePath(u"before.json"_s);
    QCOMPARE(runApp({u"report"_s, u"--project"_s, project, u"--json"_s, json0}).exitCode, 0);
    auto questions = [](const QString &path) {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        int n = 0;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        for (const QJsonValue &c : o.value(u"conflicts").toArray())
            n += c.toObject().value(u"needsDecision").toBool(true) ? 1 : 0;
        return n;
    };
    const int questionsBefore = questions(json0);
    QVERIFY2(questionsBefore > 0, "the generated school should leave the logs-only rebuild some questions");

    r = runApp({u"reconstruct"_s, u"--project"_s, project, u"--snapshot"_s, m_snapshot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"questions left: 0"_s), qPrintable(r.out));
    const QString json = m_tmp.filePath(u"after.json"_s);
    QCOMPARE(runApp({u"report"_s, u"--project"_s, project, u"--json"_s, json}).exitCode, 0);
    QCOMPARE(questions(json), 0);
    qInfo("questions: %d from the logs alone, 0 with the snapshot", questionsBefore);

    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
    for (const QJsonValue &c : report.value(u"conflicts").toArray())
        QVERIFY(c.toObject().value(u"needsDecision").toBool(true) == false);
    // The same roster as the school's database: every teacher, classroom and student, field by field.
    QStringList teachers, expectedTeachers;
    for (const QJsonValue &v : report.value(u"teachers").toArray()) {
        const QJsonObject t = v.toObject();
        teachers << QStringList{t.value(u"email").toString(), t.value(u"displayName").toString(),
                                t.value(u"role").toString(), t.value(u"isSpecialist").toBool() ? u"yes"_s : u"no"_s}
                        .join(u'|');
    }
    for (const TruthTeacher &t : m_school.teachers)
        expectedTeachers << QStringList{t.email, t.displayName, t.role, t.specialist ? u"yes"_s : u"no"_s}.join(u'|');
    teachers.sort();
    expectedTeachers.sort();
    QCOMPARE(teachers, expectedTeachers);
    QStringList classes, expectedClasses;
    for (const QJsonValue &v : report.value(u"classrooms").toArray()) {
        const QJsonObject c = v.toObject();
        QStringList specialists;
        for (const QJsonValue &e : c.value(u"specialistEmails").toArray())
            specialists << e.toString();
        specialists.sort();
        classes << QStringList{c.value(u"code").toString(), c.value(u"name").toString(),
                               c.value(u"homeroomTeacherEmail").toString(), specialists.join(u',')}
                       .join(u'|');
    }
    for (const TruthClass &c : m_school.classes) {
        QStringList specialists = c.specialistEmails;
        specialists.sort();
        expectedClasses << QStringList{c.code, c.name, c.homeroomEmail, specialists.join(u',')}.join(u'|');
    }
    classes.sort();
    expectedClasses.sort();
    QCOMPARE(classes, expectedClasses);
    QStringList students, expectedStudents;
    for (const QJsonValue &v : report.value(u"students").toArray()) {
        const QJsonObject s = v.toObject();
        students << studentLine(s.value(u"studentId").toString(), s.value(u"firstName").toString(),
                                s.value(u"lastName").toString(), s.value(u"classCode").toString(),
                                s.value(u"guardians").toString(), s.value(u"notes").toString());
    }
    for (size_t i = 0; i < m_school.students.size(); ++i) {
        const TruthStudent &s = m_school.students[i];
        expectedStudents << studentLine(s.studentId, s.firstName, s.lastName, s.finalClassCode, s.guardians,
                                        kNotes[i % kNotes.size()]);
    }
    students.sort();
    expectedStudents.sort();
    QCOMPARE(students, expectedStudents);
}

void tst_Snapshot::damagedSnapshotIsRefused_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing-column") << u"students.csv"_s << u"studentId,"_s << u"pupilId,"_s
                                    << u"students.csv, row 1: the column \"studentId\" is missing"_s;
    QTest::newRow("not-a-boolean") << u"teachers.csv"_s << u",teacher,false,true"_s << u",teacher,maybe,true"_s
                                   << u", field isSpecialist: \"maybe\" is not true or false"_s;
}

void tst_Snapshot::damagedSnapshotIsRefused()
{
    QFETCH(QString, file);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, message);
    const QString dir = m_tmp.filePath(u"damaged-"_s + QString::fromLatin1(QTest::currentDataTag()));
    QVERIFY(QDir().mkpath(dir));
    for (const QString &name : QDir(m_snapshot).entryList(QDir::Files))
        QVERIFY(QFile::copy(QDir(m_snapshot).filePath(name), QDir(dir).filePath(name)));
    QFile f(QDir(dir).filePath(file));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(f.readAll());
    f.close();
    const qsizetype at = text.indexOf(from);
    QVERIFY2(at >= 0, qPrintable(from));
    text.replace(at, from.size(), to);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text.toUtf8());
    f.close();
    const QString project = m_tmp.filePath(u"damaged.ttrp"_s);
    if (!QFile::exists(project))
        QCOMPARE(runApp({u"import"_s, u"--project"_s, project, u"--school"_s, u"Damaged"_s, u"--domain"_s,
                         u"damaged.example"_s, u"--incidents"_s, m_tmp.filePath(u"Incidents.csv"_s)})
                     .exitCode,
                 0);
    const Run r = runApp({u"reconstruct"_s, u"--project"_s, project, u"--snapshot"_s, dir});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY2(r.err.contains(QDir(dir).filePath(file) + u", row "_s), qPrintable(r.err));
}

void tst_Snapshot::cellsRoundTrip_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("plain") << u"Jane"_s;
    QTest::newRow("formula") << u"=1+1"_s;
    QTest::newRow("plus") << u"+61 400 000 000"_s;
    QTest::newRow("minus") << u"-"_s;
    QTest::newRow("at") << u"@mention"_s;
    QTest::newRow("apostrophe") << u"'already quoted"_s;
    QTest::newRow("apostrophe-formula") << u"'=x"_s;
    QTest::newRow("tab") << u"\tindented"_s;
    QTest::newRow("empty") << QString();
}

void tst_Snapshot::cellsRoundTrip()
{
    QFETCH(QString, value);
    const QString cell = encodeSnapshotCell(value);
    QCOMPARE(decodeSnapshotCell(cell), value);
    if (!value.isEmpty() && QStringLiteral("=+-@\t").contains(value.at(0)))
        QVERIFY(cell.startsWith(u'\'')); // a spreadsheet shows it as text, never runs it
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_Snapshot)
#include "tst_snapshot.moc"
