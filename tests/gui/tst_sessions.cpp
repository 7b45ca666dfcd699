// The QtCore session objects the pages bind to: autosave and the wizard step, the worker, and the incident
// filter checked against counts computed here from generated records (and timed at a million rows).
#include "fixturegenerator.h"
#include "models/incidentmodel.h"
#include "import/importer.h"
#include "session/incidentssession.h"
#include "rosterundo.h"
#include "session/recoverysession.h"
#include "roster/rosterproject.h"
#include "roster/rostersnapshot.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace tt;
using namespace tt::ui;

class tst_Sessions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void autosaveIsDebounced();
    void stepIsRestored();
    void taskReplacesProjectOrLeavesItAlone();
    void projectCopiesShareRecordsUntilChanged();
    void openInBackground();
    void backgroundSaveNeverOverwritesNewer();
    void rosterUndoRedo();
    void rosterSnapshotSettlesQuestions();
    void filter_data();
    void filter();
    void filterAMillion();

private:
    QTemporaryDir m_dir;
    test::School m_school;
};

void tst_Sessions::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    test::SchoolSpec spec;
    spec.seed = 3;
    spec.classes = 5;
    spec.studentsPerClass = 10;
    spec.logs = 2000;
    m_school = test::generateSchool(spec);
}

void tst_Sessions::autosaveIsDebounced()
{
    RecoverySession s;
    const QString path = m_dir.filePath(QStringLiteral("a.ttproj"));
    s.newProject(path, SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QStringLiteral("UTC")});
    s.setAutosaveDelayMs(200);
    QSignalSpy saved(&s, &RecoverySession::saved);
    for (int i = 0; i < 5; ++i) {
        s.editableProject().setSchool(SchoolInfo{QStringLiteral("Test School %1").arg(i), QStringLiteral("test.example"), QStringLiteral("UTC")});
        s.markChanged();
    }
    QCOMPARE(saved.count(), 0);
    QVERIFY(saved.wait(2000));
    QTest::qWait(300);
    QCOMPARE(saved.count(), 1); // five changes, one save
    QCOMPARE(Project::load(path).school().name, QStringLiteral("Test School 4"));
}

void tst_Sessions::stepIsRestored()
{
    const QString path = m_dir.filePath(QStringLiteral("b.ttproj"));
    {
        RecoverySession s;
        s.newProject(path, SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QString()});
        s.setStep(5, QStringLiteral("classroomsPage"));
        QVERIFY(s.saveNow());
    }
    RecoverySession s;
    s.openProject(path);
    QCOMPARE(s.savedStep(), 5);
}

void tst_Sessions::taskReplacesProjectOrLeavesItAlone()
{
    RecoverySession s;
    s.newProject(m_dir.filePath(QStringLiteral("c.ttproj")), SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QString()});
    const QString csv = m_dir.filePath(QStringLiteral("Incidents.csv"));
    const test::ExportResult truth = test::writeCsvTab(m_school, RecordType::Incident, csv, test::QuirkOptions{});
    SourcesSession sources(&s);
    QSignalSpy busy(&s, &RecoverySession::busyChanged);
    QVERIFY(sources.addFiles({csv}));
    QVERIFY(s.isBusy());
    QVERIFY(!sources.addFiles({csv})); // one task at a time
    s.waitForIdle();
    QCOMPARE(busy.count(), 2);
    QCOMPARE(s.project().counts().read, truth.counts.read);
    QCOMPARE(s.project().counts().quarantined, truth.counts.quarantined);
    QCOMPARE(qint64(s.accepted()->size()), truth.counts.accepted);

    // a failing task changes nothing and says why in an administrator's words
    const RowCounts before = s.project().counts();
    QSignalSpy failed(&s, &RecoverySession::taskFailed);
    QVERIFY(sources.addFiles({m_dir.filePath(QStringLiteral("missing.csv"))}));
    s.waitForIdle();
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("missing.csv")));
    QCOMPARE(s.project().counts(), before);
}

void tst_Sessions::projectCopiesShareRecordsUntilChanged()
{
    Project a = Project::create(SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QString()});
    a.mutableRecords() = m_school.logs;
    const Project b = a; // what a task or a background save starts from
    QCOMPARE(&b.records().front(), &a.records().front()); // shared, not copied
    const QString before = a.records().front().note;
    a.mutableRecords().front().note = QStringLiteral("changed after the copy");
    QVERIFY(&b.records().front() != &a.records().front()); // a detached on its first change
    QCOMPARE(b.records().front().note, before);
    QCOMPARE(b.records().size(), m_school.logs.size());
    QCOMPARE(a.records().front().note, QStringLiteral("changed after the copy"));
}

void tst_Sessions::openInBackground()
{
    const QString path = m_dir.filePath(QStringLiteral("d.ttproj"));
    const QString csv = m_dir.filePath(QStringLiteral("Incidents-d.csv"));
    const test::ExportResult truth = test::writeCsvTab(m_school, RecordType::Incident, csv, test::QuirkOptions{});
    {
        RecoverySession s;
        s.newProject(path, SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QString()});
        SourcesSession sources(&s);
        QVERIFY(sources.addFiles({csv}));
        s.waitForIdle();
        QVERIFY(s.saveNow());
    }
    RecoverySession s;
    QSignalSpy opened(&s, &RecoverySession::projectOpened);
    QVERIFY(s.openProjectInBackground(path));
    QVERIFY(s.isBusy()); // the file is read on the worker
    QVERIFY(!s.hasProject());
    s.waitForIdle();
    QCOMPARE(opened.count(), 1);
    QCOMPARE(s.project().counts().read, truth.counts.read);
    QCOMPARE(s.project().counts().quarantined, truth.counts.quarantined);
    QCOMPARE(qint64(s.accepted()->size()), truth.counts.accepted); // computed on the worker too
    QCOMPARE(s.projectPath(), QFileInfo(path).absoluteFilePath());

    // a project saved by an earlier version (JSON): converted as it opens, and the finished task says so
    const QString older = m_dir.filePath(QStringLiteral("older-d.ttproj"));
    s.project().saveJsonV1(older);
    QSignalSpy finished(&s, &RecoverySession::taskFinished);
    QVERIFY(s.openProjectInBackground(older));
    s.waitForIdle();
    QCOMPARE(finished.count(), 1);
    const QString summary = finished.at(0).at(1).toString();
    QVERIFY2(summary.contains(QStringLiteral("earlier version")) && summary.contains(QStringLiteral("older-d.ttproj.v1.json")),
             qPrintable(summary));
    QCOMPARE(s.project().counts().read, truth.counts.read);
    QVERIFY(s.openProjectInBackground(path));
    s.waitForIdle();
    QCOMPARE(opened.count(), 3);

    // a damaged file: the open project stays, the message names the file
    const QString bad = m_dir.filePath(QStringLiteral("damaged.ttproj"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"format\": \"tracktally-recovery-project\", \"records\": [[1, 2");
    f.close();
    QSignalSpy failed(&s, &RecoverySession::taskFailed);
    QVERIFY(s.openProjectInBackground(bad));
    s.waitForIdle();
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("damaged.ttproj")), qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(opened.count(), 3);
    QCOMPARE(s.projectPath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(s.project().counts().read, truth.counts.read);
}

void tst_Sessions::backgroundSaveNeverOverwritesNewer()
{
    RecoverySession s;
    const QString path = m_dir.filePath(QStringLiteral("e.ttproj"));
    s.newProject(path, SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QStringLiteral("UTC")});
    const QString csv = m_dir.filePath(QStringLiteral("Incidents-e.csv"));
    const test::ExportResult truth = test::writeCsvTab(m_school, RecordType::Incident, csv, test::QuirkOptions{});
    SourcesSession sources(&s);
    QVERIFY(sources.addFiles({csv}));
    s.waitForIdle();
    s.saveNow();
    s.editableProject().setSchool(SchoolInfo{QStringLiteral("Second Name"), QStringLiteral("test.example"), QStringLiteral("UTC")});
    s.markChanged();
    QSignalSpy saved(&s, &RecoverySession::saved);
    s.saveInBackground();
    QVERIFY(s.isSaving());
    // a newer change saved at once while the background save may still be writing
    s.editableProject().setSchool(SchoolInfo{QStringLiteral("Renamed School"), QStringLiteral("test.example"), QStringLiteral("UTC")});
    s.markChanged();
    QVERIFY(s.saveNow());
    QVERIFY(!s.isSaving());
    QTest::qWait(100);
    const Project loaded = Project::load(path);
    QCOMPARE(loaded.school().name, QStringLiteral("Renamed School"));
    QCOMPARE(loaded.records().size(), s.project().records().size());
    QCOMPARE(loaded.counts().read, truth.counts.read);
    QCOMPARE(saved.count(), 2);
    QCOMPARE(s.savedGeneration(), s.project().generation());

    // autosave goes to the background and reports when done
    s.setAutosaveDelayMs(10);
    s.editableProject().setSchool(SchoolInfo{QStringLiteral("Third Name"), QStringLiteral("test.example"), QStringLiteral("UTC")});
    s.markChanged();
    QVERIFY(saved.wait(5000));
    QCOMPARE(Project::load(path).school().name, QStringLiteral("Third Name"));
}

void tst_Sessions::rosterUndoRedo()
{
    RecoverySession s;
    s.newProject(m_dir.filePath(QStringLiteral("f.ttproj")), SchoolInfo{QStringLiteral("Test School"), QStringLiteral("test.example"), QString()});
    const QString csv = m_dir.filePath(QStringLiteral("Incidents-f.csv"));
    test::writeCsvTab(m_school, RecordType::Incident, csv, test::QuirkOptions{});
    SourcesSession sources(&s);
    QVERIFY(sources.addFiles({csv}));
    s.waitForIdle();
    RosterSession roster(&s);
    QUndoStack *stack = createRosterUndoStack(&s, &roster, this);
    QVERIFY(roster.rebuild());
    s.waitForIdle();
    QVERIFY(roster.isBuilt());
    const Roster original = roster.roster();
    const TeacherDraft t = original.teachers.front();
    const QString otherRole = t.role == u"admin" ? QStringLiteral("teacher") : QStringLiteral("admin");
    auto current = [&roster, &t]() -> TeacherDraft {
        for (const TeacherDraft &x : roster.roster().teachers)
            if (x.email == t.email)
                return x;
        return {};
    };

    roster.setTeacherRole({t.email}, otherRole);
    roster.setTeacherDisplayName(t.email, QStringLiteral("Ms Undo Test"));
    QCOMPARE(stack->count(), 2);
    QCOMPARE(*roster.decisions().teacher(t.email)->displayName, QStringLiteral("Ms Undo Test"));
    roster.setTeacherRole({t.email}, otherRole); // no change: no step to undo
    QCOMPARE(stack->count(), 2);

    stack->undo(); // the name
    QVERIFY(!roster.decisions().teacher(t.email)->displayName);
    QCOMPARE(*roster.decisions().teacher(t.email)->role, otherRole);
    s.waitForIdle();
    QCOMPARE(current().displayName, t.displayName);
    stack->undo(); // the role
    QVERIFY(roster.decisions().isEmpty());
    s.waitForIdle();
    QCOMPARE(current().role, t.role);
    stack->redo();
    stack->redo();
    s.waitForIdle();
    QCOMPARE(current().displayName, QStringLiteral("Ms Undo Test"));
    QCOMPARE(current().role, otherRole);
    // the project holds what the undo stack says
    QCOMPARE(RosterSession::loadDecisions(s.project()), roster.decisions());

    // merging two ids keeps every log; undo gives both back
    const StudentDraft a = original.students[0], b = original.students[1];
    roster.mergeStudents({a.studentId, b.studentId}, a.studentId);
    s.waitForIdle();
    QCOMPARE(roster.roster().students.size(), original.students.size() - 1);
    int logs = 0;
    for (const StudentDraft &st : roster.roster().students)
        logs += st.logs;
    int originalLogs = 0;
    for (const StudentDraft &st : original.students)
        originalLogs += st.logs;
    QCOMPARE(logs, originalLogs);
    // merging back the other way would loop: refused, nothing recorded
    const int steps = stack->count();
    roster.mergeStudents({a.studentId}, b.studentId);
    QCOMPARE(stack->count(), steps);
    stack->undo();
    s.waitForIdle();
    QCOMPARE(roster.roster().students.size(), original.students.size());

    // a new project clears the history
    s.newProject(m_dir.filePath(QStringLiteral("g.ttproj")), SchoolInfo{QStringLiteral("Other School"), QStringLiteral("test.example"), QString()});
    QCOMPARE(stack->count(), 0);
}

// The wizard's path for a roster snapshot: the school's own record of its roster (here: the generator's
// truth, written as a snapshot folder) read on the worker, its fields made decisions on the GUI thread, and
// every question about what it names settled; the rebuilt roster is the school's.
void tst_Sessions::rosterSnapshotSettlesQuestions()
{
    RecoverySession s;
    s.newProject(m_dir.filePath(QStringLiteral("snap.ttproj")), SchoolInfo{m_school.spec.name, m_school.spec.domain, QString()});
    const QString csv = m_dir.filePath(QStringLiteral("Incidents-snap.csv"));
    test::writeCsvTab(m_school, RecordType::Incident, csv, test::QuirkOptions{});
    SourcesSession sources(&s);
    QVERIFY(sources.addFiles({csv}));
    s.waitForIdle();
    RosterSession roster(&s);
    QVERIFY(roster.rebuild());
    s.waitForIdle();
    auto questions = [&roster] {
        int n = 0;
        for (const Conflict &c : roster.roster().conflicts)
            n += c.needsDecision ? 1 : 0;
        return n;
    };
    const int before = questions();
    QVERIFY2(before > 0, "the quirky export should leave questions");

    RosterSnapshot snap;
    snap.school = m_school.spec.name;
    snap.domain = m_school.spec.domain;
    snap.takenAt = QStringLiteral("2025-11-20T00:00:00.000Z");
    for (const test::TruthTeacher &t : m_school.teachers)
        snap.teachers.push_back({t.email, t.displayName, t.role, t.specialist, true});
    for (const test::TruthClass &c : m_school.classes)
        snap.classrooms.push_back({c.code, c.name, false, c.homeroomEmail, c.specialistEmails});
    for (const test::TruthStudent &st : m_school.students)
        snap.students.push_back({st.studentId, st.firstName, st.lastName, st.finalClassCode, st.guardians, QString(), true});
    const QString dir = m_dir.filePath(QStringLiteral("roster-snapshot"));
    snap.write(dir);

    QSignalSpy rebuilt(&roster, &RosterSession::rosterChanged);
    QVERIFY(roster.importSnapshot(dir));
    QTRY_VERIFY_WITH_TIMEOUT(rebuilt.count() > 0 && !s.isBusy(), 20000);
    s.waitForIdle();
    QCOMPARE(questions(), 0);
    int settled = 0;
    for (const Conflict &c : roster.roster().conflicts)
        settled += c.settledBy == u"rosterSnapshot" ? 1 : 0;
    qInfo("questions: %d from the logs alone; 0 with the snapshot (%d settled by it, the rest answered by its fields)",
          before, settled);
    for (const test::TruthStudent &st : m_school.students) {
        const StudentDraft *d = roster.roster().student(st.studentId);
        QVERIFY2(d, qPrintable(st.studentId));
        QCOMPARE(d->firstName + u' ' + d->lastName + u' ' + d->classCode,
                 st.firstName + u' ' + st.lastName + u' ' + st.finalClassCode);
    }
    for (const test::TruthClass &c : m_school.classes) {
        const ClassroomDraft *d = roster.roster().classroom(c.code);
        QVERIFY2(d, qPrintable(c.code));
        QCOMPARE(d->homeroomTeacherEmail, c.homeroomEmail);
    }
    // It is in the project: saved, reopened, the same decisions and the same settled questions.
    QCOMPARE(RosterSession::loadDecisions(s.project()), roster.decisions());
    QCOMPARE(projectSnapshotSubjects(s.project()).size(),
             qsizetype(m_school.teachers.size() + m_school.classes.size() + m_school.students.size()));
}

void tst_Sessions::filter_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("classCode");
    QTest::addColumn<int>("month"); // 0 = any
    QTest::newRow("everything") << -1 << QString() << QString() << 0;
    QTest::newRow("commendations") << 1 << QString() << QString() << 0;
    QTest::newRow("disruption incidents") << 0 << QStringLiteral("Disruption") << QString() << 0;
    QTest::newRow("first class, march") << -1 << QString() << QStringLiteral("*") << 3;
}

void tst_Sessions::filter()
{
    QFETCH(int, type);
    QFETCH(QString, category);
    QFETCH(QString, classCode);
    QFETCH(int, month);
    auto records = std::make_shared<const std::vector<IncidentRecord>>(m_school.logs);
    if (classCode == u"*")
        classCode = m_school.classes.front().code;
    const QTimeZone zone(m_school.spec.timeZone.toUtf8());
    IncidentsSession f;
    f.setDebounceMs(0);
    // the school's UTC offset in January; March is still on daylight time in Melbourne, so the same offset holds
    const int offset = zone.offsetFromUtc(QDateTime(QDate(m_school.spec.year, 1, 1), QTime(12, 0), zone));
    f.setRecords(records, offset);
    f.setType(type);
    f.setCategory(category);
    f.setClassCode(classCode);
    QDate from, to;
    if (month > 0) {
        from = QDate(m_school.spec.year, month, 1);
        to = from.addMonths(1).addDays(-1);
        f.setDateRange(from, to);
    }
    f.apply();
    qint64 expected = 0;
    for (const IncidentRecord &r : *records) {
        if (type >= 0 && int(r.type) != type)
            continue;
        if (!category.isEmpty() && r.category != category)
            continue;
        if (!classCode.isEmpty() && r.classCode.compare(classCode, Qt::CaseInsensitive) != 0)
            continue;
        if (month > 0) {
            const QDate d = QDateTime::fromMSecsSinceEpoch(r.timestampMs, QTimeZone::utc()).toOffsetFromUtc(offset).date();
            if (d < from || d > to)
                continue;
        }
        ++expected;
    }
    QVERIFY(expected > 0);
    QCOMPARE(f.matches(), expected);
    qint64 perWeek = 0;
    for (int n : f.stats().perWeek)
        perWeek += n;
    QCOMPARE(perWeek, expected);
    qint64 perCategory = 0;
    for (int n : f.stats().perCategory)
        perCategory += n;
    QCOMPARE(perCategory, expected);
}

void tst_Sessions::filterAMillion()
{
    // a million logs: the school's year repeated, each copy its own uuid
    auto big = std::make_shared<std::vector<IncidentRecord>>();
    big->reserve(1000000);
    for (int copy = 0; big->size() < 1000000; ++copy)
        for (const IncidentRecord &r : m_school.logs) {
            if (big->size() >= 1000000)
                break;
            IncidentRecord c = r;
            c.uuid = QString::number(copy) + r.uuid.mid(int(QString::number(copy).size()));
            big->push_back(std::move(c));
        }
    std::shared_ptr<const std::vector<IncidentRecord>> records = big;
    IncidentModel model;
    IncidentsSession f;
    IncidentProxyModel proxy(&model, &f);
    QElapsedTimer t;
    t.start();
    model.setRecords(records, QTimeZone::utc());
    f.setRecords(records);
    proxy.refilter();
    const qint64 loadMs = t.restart();
    f.setText(QStringLiteral("hat"));
    f.apply();
    proxy.refilter();
    const qint64 textMs = t.restart();
    f.setText(QString());
    f.setCategory(QStringLiteral("Bullying"));
    f.apply();
    proxy.refilter();
    const qint64 categoryMs = t.restart();
    proxy.sort(IncidentModel::TimeColumn, Qt::DescendingOrder); // on the session's worker thread
    f.waitForFinished();
    proxy.refilter();
    const qint64 sortMs = t.restart();
    qInfo("1,000,000 logs: load %lld ms, text filter %lld ms, category filter %lld ms, sort by time %lld ms",
          loadMs, textMs, categoryMs, sortMs);
    QCOMPARE(proxy.rowCount(), int(f.matches()));
    QVERIFY(f.matches() > 0);
}

QTEST_MAIN(tst_Sessions)
#include "tst_sessions.moc"
