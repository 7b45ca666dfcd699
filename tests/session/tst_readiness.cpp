// Readiness: what blocks the commit and what only warns, over hand-built rosters (the rules, negative cases
// included) and over real generated projects (sheets exported with their quirks, imported, roster rebuilt);
// "Accept every suggestion" leaves one student per child; ReadinessSession's accept is one undoable edit.
#include "database/database.h"
#include "database/recoverywriter.h"
#include "fixturegenerator.h"
#include "import/importer.h"
#include "project/project.h"
#include "roster/rosterproject.h"
#include "session/databasesession.h"
#include "session/readiness.h"
#include "session/readinesssession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::test;
using namespace Qt::StringLiterals;

class tst_Readiness : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rules_data();
    void rules();
    void keptApartIsNotADuplicate();
    void environmentOf_data();
    void environmentOf();
    void targetEnvironment_data();
    void targetEnvironment();
    void generatedProject_data();
    void generatedProject();
    void planJsonHasReadiness();
    void sessionAcceptIsOneUndoableEdit();

private:
    QTemporaryDir m_dir;
};

namespace {

// "0421:Mia Chen" -> a student draft; "decided" in the third field marks it decided.
Roster rosterOf(const QStringList &students, const QStringList &conflicts, const QStringList &teachers = {})
{
    Roster r;
    for (const QString &s : students) {
        const QStringList f = s.split(u':');
        StudentDraft d;
        d.studentId = f.value(0);
        const QStringList name = f.value(1).split(u' ', Qt::SkipEmptyParts);
        d.firstName = name.value(0);
        d.lastName = name.value(1);
        d.classCode = u"5JT"_s;
        d.decided = f.value(2) == u"decided"_s;
        r.students.push_back(d);
    }
    std::sort(r.students.begin(), r.students.end(),
              [](const StudentDraft &a, const StudentDraft &b) { return a.studentId < b.studentId; });
    for (const QString &t : teachers) {
        const QStringList f = t.split(u':');
        TeacherDraft d;
        d.email = f.value(0);
        d.displayName = f.value(1);
        r.teachers.push_back(d);
    }
    std::sort(r.teachers.begin(), r.teachers.end(), [](const TeacherDraft &a, const TeacherDraft &b) { return a.email < b.email; });
    for (const QString &c : conflicts) {
        // "kind|subject|question" or "kind|subject|settled"
        const QStringList f = c.split(u'|');
        Conflict k;
        k.kind = f.value(0);
        k.subject = f.value(1);
        k.detail = u"detail of "_s + c;
        k.needsDecision = f.value(2) != u"settled"_s;
        k.settledBy = k.needsDecision ? QString() : u"test"_s;
        r.conflicts.push_back(k);
    }
    return r;
}

QStringList kindsOf(const std::vector<ReadinessItem> &items, bool blocking)
{
    QStringList out;
    for (const ReadinessItem &i : items)
        if (i.isBlocking() == blocking)
            out.append(i.kind + u' ' + i.subject);
    out.sort();
    return out;
}

void writeSchoolCsv(const School &school, const QString &dir, const QuirkOptions &q, bool withRoster, Project &project,
                    ExportResult *incidents = nullptr)
{
    const ExportResult a = writeCsvTab(school, RecordType::Incident, dir + u"/incidents.csv"_s, q);
    const ExportResult b = writeCsvTab(school, RecordType::Commendation, dir + u"/commendations.csv"_s, q);
    Importer importer(project);
    importer.importCsv(a.path, RecordType::Incident);
    importer.importCsv(b.path, RecordType::Commendation);
    if (withRoster) {
        writeRosterCsv(school, dir + u"/roster.csv"_s);
        writeStaffCsv(school, dir + u"/staff.csv"_s);
        setProjectRosterCsv(project, dir + u"/roster.csv"_s);
        setProjectStaffCsv(project, dir + u"/staff.csv"_s);
    }
    if (incidents)
        *incidents = a;
}

SchoolSpec smallSchool(quint64 seed)
{
    SchoolSpec spec;
    spec.seed = seed;
    spec.classes = 8;
    spec.studentsPerClass = 22;
    spec.logs = 2500;
    return spec;
}

int studentsWithLogs(const Roster &r)
{
    return int(std::count_if(r.students.begin(), r.students.end(), [](const StudentDraft &s) { return !s.fromRosterOnly; }));
}

} // namespace

void tst_Readiness::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void tst_Readiness::rules_data()
{
    QTest::addColumn<QStringList>("students");
    QTest::addColumn<QStringList>("conflicts");
    QTest::addColumn<QStringList>("teachers");
    QTest::addColumn<QStringList>("blocking");
    QTest::addColumn<QStringList>("warnings");

    QTest::newRow("twins-same-name") << QStringList{u"0421:Mia Chen"_s, u"421:Mia Chen"_s} << QStringList{}
                                     << QStringList{} << QStringList{u"probableDuplicate 0421 / 421"_s} << QStringList{};
    QTest::newRow("twins-case-and-spacing") << QStringList{u"0421:Mia Chen"_s, u"421:MIA  chen"_s} << QStringList{}
                                            << QStringList{} << QStringList{u"probableDuplicate 0421 / 421"_s}
                                            << QStringList{};
    QTest::newRow("three-forms") << QStringList{u"00421:Mia Chen"_s, u"0421:Mia Chen"_s, u"421:Mia Chen"_s}
                                 << QStringList{} << QStringList{}
                                 << QStringList{u"probableDuplicate 00421 / 0421 / 421"_s} << QStringList{};
    // negative: two children
    QTest::newRow("zeros-but-two-names") << QStringList{u"0421:Mia Chen"_s, u"421:Noah Li"_s} << QStringList{}
                                         << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("twins-one-typo") << QStringList{u"0421:Mia Chen"_s, u"421:Mia Chn"_s} << QStringList{}
                                    << QStringList{} << QStringList{u"probableDuplicate 0421 / 421"_s} << QStringList{};
    QTest::newRow("zeros-two-typos-apart") << QStringList{u"0421:Mia Chen"_s, u"421:Max Chan"_s} << QStringList{}
                                           << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("same-name-other-ids") << QStringList{u"0421:Mia Chen"_s, u"4210:Mia Chen"_s} << QStringList{}
                                         << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("letters-are-not-zeros") << QStringList{u"A0421:Mia Chen"_s, u"A421:Mia Chen"_s} << QStringList{}
                                           << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("twins-kept-apart-by-a-settled-item")
        << QStringList{u"0421:Mia Chen"_s, u"421:Mia Chen"_s} << QStringList{u"leadingZeros|421 / 0421|settled"_s}
        << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("the-twins-question-is-the-duplicate")
        << QStringList{u"0421:Mia Chen"_s, u"421:Mia Chen"_s} << QStringList{u"leadingZeros|0421 / 421|question"_s}
        << QStringList{} << QStringList{u"probableDuplicate 0421 / 421"_s} << QStringList{};
    QTest::newRow("zeros-two-names-asked") << QStringList{u"0421:Mia Chen"_s, u"421:Noah Li"_s}
                                           << QStringList{u"leadingZeros|0421 / 421|question"_s} << QStringList{}
                                           << QStringList{u"openQuestion 0421 / 421"_s} << QStringList{};
    QTest::newRow("question-open") << QStringList{u"1001:Ava Brown"_s} << QStringList{u"nameVariants|1001|question"_s}
                                   << QStringList{} << QStringList{u"openQuestion 1001"_s} << QStringList{};
    QTest::newRow("question-answered-by-a-decision")
        << QStringList{u"1001:Ava Brown:decided"_s} << QStringList{u"nameVariants|1001|question"_s} << QStringList{}
        << QStringList{} << QStringList{};
    QTest::newRow("settled-is-not-a-question") << QStringList{u"1001:Ava Brown"_s}
                                               << QStringList{u"nameVariants|1001|settled"_s} << QStringList{}
                                               << QStringList{} << QStringList{};
    QTest::newRow("question-about-no-row-warns")
        << QStringList{u"1001:Ava Brown"_s} << QStringList{u"noStudentId|Zed Unknown|question"_s} << QStringList{}
        << QStringList{} << QStringList{u"openQuestion Zed Unknown"_s};
    QTest::newRow("teacher-without-name-warns")
        << QStringList{} << QStringList{u"teacherName|jt@x.example|question"_s}
        << QStringList{u"jt@x.example:"_s, u"jane.smith@x.example:Jane Smith"_s} << QStringList{}
        << QStringList{u"teacherWithoutName jt@x.example"_s};
}

void tst_Readiness::rules()
{
    QFETCH(QStringList, students);
    QFETCH(QStringList, conflicts);
    QFETCH(QStringList, teachers);
    const Roster roster = rosterOf(students, conflicts, teachers);
    const RosterDecisions decisions;
    ReadinessInput in;
    in.roster = &roster;
    in.decisions = &decisions;
    const std::vector<ReadinessItem> items = Readiness::assess(in);
    QTEST(kindsOf(items, true), "blocking");
    QTEST(kindsOf(items, false), "warnings");
    for (const ReadinessItem &i : items) {
        QVERIFY(!i.step.isEmpty());
        QVERIFY(!i.detail.isEmpty());
        if (i.kind == u"probableDuplicate"_s) {
            QCOMPARE(i.step, u"students"_s);
            QVERIFY2(i.row.startsWith(u'0'), qPrintable(i.row)); // the form with the zeros is kept
            QVERIFY(!i.suggestion.isEmpty());
        }
    }
    // every blocking item that has a suggestion is answered by accepting it
    std::vector<Readiness::Accepted> accepted;
    const RosterDecisions after = Readiness::acceptSuggestions(roster, decisions, items, &accepted);
    QCOMPARE(int(accepted.size()), Readiness::blockingCount(items));
    for (const ReadinessItem &i : items)
        if (i.kind == u"probableDuplicate"_s)
            for (const QString &id : i.subject.split(u" / "_s))
                QCOMPARE(after.mergedStudentId(id), i.row);
}

// Separate (the roster's keep-apart decision): the administrator said they are two children.
void tst_Readiness::keptApartIsNotADuplicate()
{
    const Roster roster = rosterOf({u"0421:Mia Chen"_s, u"421:Mia Chen"_s}, {});
    RosterDecisions decisions;
    ReadinessInput in;
    in.roster = &roster;
    in.decisions = &decisions;
    QCOMPARE(kindsOf(Readiness::assess(in), true), QStringList{u"probableDuplicate 0421 / 421"_s});
    decisions.keepStudentIdApart(u"421"_s);
    QCOMPARE(kindsOf(Readiness::assess(in), true), QStringList{});
}

void tst_Readiness::environmentOf_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("environment");
    QTest::newRow("stage") << u"tracktally_stage"_s << u"staging"_s;
    QTest::newRow("prod") << u"tracktally_prod"_s << u"production"_s;
    QTest::newRow("host") << u"prod-db.example.net"_s << u"production"_s;
    QTest::newRow("dev") << u"ep-dev-123.neon.tech"_s << u"development"_s;
    QTest::newRow("test") << u"school-TEST.ttproj"_s << u"test"_s;
    QTest::newRow("devon-is-a-name") << u"devonport_primary"_s << QString();
    QTest::newRow("contest-is-a-word") << u"contest"_s << QString();
    QTest::newRow("neutral") << u"tracktally"_s << QString();
}

void tst_Readiness::environmentOf()
{
    QFETCH(QString, name);
    QTEST(Readiness::environmentOf(name), "environment");
}

void tst_Readiness::targetEnvironment_data()
{
    QTest::addColumn<QString>("projectPath");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("warns");
    // the seed incident: everyone believed prod was prod
    QTest::newRow("stage-db-on-prod-host") << u"/p/school.ttproj"_s << u"tracktally_stage"_s << u"prod.db.example"_s << true;
    QTest::newRow("project-says-prod") << u"/p/school-prod.ttproj"_s << u"tracktally_stage"_s << u"db.example"_s << true;
    QTest::newRow("project-says-staging") << u"/p/school_staging.ttproj"_s << u"tracktally_prod"_s << u"db.example"_s << true;
    QTest::newRow("agree") << u"/p/school-prod.ttproj"_s << u"tracktally_prod"_s << u"prod.db.example"_s << false;
    QTest::newRow("project-says-nothing") << u"/p/school.ttproj"_s << u"tracktally_stage"_s << u"db.example"_s << false;
    QTest::newRow("target-says-nothing") << u"/p/school-prod.ttproj"_s << u"tracktally"_s << u"/tmp/socket"_s << false;
}

void tst_Readiness::targetEnvironment()
{
    QFETCH(QString, projectPath);
    QFETCH(QString, database);
    QFETCH(QString, host);
    QFETCH(bool, warns);
    const Roster roster;
    const RosterDecisions decisions;
    ServerIdentity target;
    target.database = database;
    target.host = host;
    ReadinessInput in;
    in.roster = &roster;
    in.decisions = &decisions;
    in.target = &target;
    in.projectPath = projectPath;
    const std::vector<ReadinessItem> items = Readiness::assess(in);
    QCOMPARE(kindsOf(items, false).contains(u"targetEnvironment "_s + database), warns);
    QCOMPARE(Readiness::blockingCount(items), 0); // a warning, never blocking
}

void tst_Readiness::generatedProject_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<bool>("quirks");
    QTest::addColumn<bool>("schoolLists");
    for (quint64 seed : {3ULL, 20251124ULL}) {
        QTest::addRow("seed %llu quirks, logs only", seed) << seed << true << false;
        QTest::addRow("seed %llu quirks, with the school's lists", seed) << seed << true << true;
        QTest::addRow("seed %llu clean export, logs only", seed) << seed << false << false;
    }
}

void tst_Readiness::generatedProject()
{
    QFETCH(quint64, seed);
    QFETCH(bool, quirks);
    QFETCH(bool, schoolLists);
    const School school = generateSchool(smallSchool(seed));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Project project = Project::create(SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
    QuirkOptions q = quirks ? QuirkOptions{} : QuirkOptions::none();
    ExportResult incidents;
    writeSchoolCsv(school, dir.path(), q, schoolLists, project, &incidents);
    const Roster roster = buildProjectRoster(project);
    const RosterDecisions decisions = projectDecisions(project);
    ReadinessInput in;
    in.project = &project;
    in.roster = &roster;
    in.decisions = &decisions;
    const std::vector<ReadinessItem> items = Readiness::assess(in);

    int truthWithLogs = 0, zeroIdsWithLogs = 0;
    for (const TruthStudent &t : school.students) {
        truthWithLogs += t.hasLogs ? 1 : 0;
        zeroIdsWithLogs += t.hasLogs && t.studentId.startsWith(u'0') ? 1 : 0;
    }
    QVERIFY(zeroIdsWithLogs > 0); // the generator made students whose ids start with a zero
    const int duplicates = int(std::count_if(items.begin(), items.end(), [](const ReadinessItem &i) {
        return i.kind == u"probableDuplicate"_s;
    }));
    // Children counted twice: exactly the probable duplicates (each group holds one child twice).
    QCOMPARE(studentsWithLogs(roster) - duplicates, truthWithLogs);
    // The roster rules settle leading-zero twins by themselves (with or without the school's list), so none is
    // left for the readiness list to block on; the line above still holds for any that a rule could not settle.
    QCOMPARE(duplicates, 0);

    // warnings that follow from the export
    const auto has = [&](const QString &kind) {
        return std::any_of(items.begin(), items.end(), [&](const ReadinessItem &i) { return i.kind == kind; });
    };
    QCOMPARE(has(u"quarantined"_s), project.counts().quarantined > 0);
    QCOMPARE(has(u"quarantined"_s), quirks);
    QCOMPARE(has(u"conflictingDuplicate"_s), quirks);
    QCOMPARE(has(u"conflictingDuplicate"_s), incidents.counts.duplicatesConflicting > 0);
    const int nameless = int(std::count_if(roster.teachers.begin(), roster.teachers.end(),
                                           [](const TeacherDraft &t) { return t.displayName.isEmpty(); }));
    QCOMPARE(int(std::count_if(items.begin(), items.end(), [](const ReadinessItem &i) { return i.kind == u"teacherWithoutName"_s; })),
             nameless);
    if (schoolLists)
        QCOMPARE(nameless, 0); // the staff list names everyone
    for (const ReadinessItem &i : items) {
        QVERIFY2(!i.step.isEmpty() && !i.detail.isEmpty(), qPrintable(i.kind));
        if (i.kind == u"quarantined"_s) {
            const int index = i.row.toInt();
            QVERIFY(index >= 0 && index < int(project.quarantine().size()));
        }
    }

    // Accept every suggestion: nothing blocking is left, and there is one student per child.
    std::vector<Readiness::Accepted> accepted;
    Roster after;
    Project working = project;
    const RosterDecisions answered = Readiness::acceptEverySuggestion(
        roster, decisions,
        [&](const RosterDecisions &d) {
            setProjectDecisions(working, d);
            return buildProjectRoster(working);
        },
        &accepted, &after);
    QCOMPARE(int(accepted.size()) > 0, Readiness::blockingCount(items) > 0);
    ReadinessInput again = in;
    again.roster = &after;
    again.decisions = &answered;
    const std::vector<ReadinessItem> left = Readiness::assess(again);
    QVERIFY2(Readiness::blockingCount(left) == 0, qPrintable(Readiness::describe(left, true).join(u'\n')));
    QCOMPARE(studentsWithLogs(after), truthWithLogs);
    QSet<QString> loggedIds;
    for (const IncidentRecord &r : project.acceptedRecords())
        loggedIds.insert(r.studentId);
    for (const TruthStudent &t : school.students)
        if (loggedIds.contains(t.studentId)) // (a child whose every log lost its zero is only known without it)
            QVERIFY2(after.student(t.studentId), qPrintable(t.studentId)); // kept under the id WITH the zeros
}

void tst_Readiness::planJsonHasReadiness()
{
    const Roster roster = rosterOf({u"0421:Mia Chen"_s, u"421:Mia Chen"_s}, {});
    const RosterDecisions decisions;
    RecoveryPlan plan;
    plan.database = u"tracktally_prod"_s;
    plan.students.toInsert = 2;
    plan.conflicts.push_back(RowConflict{u"Teacher"_s, u"a@b.example"_s, u"Other School"_s, u"other.example"_s});
    ReadinessInput in;
    in.roster = &roster;
    in.decisions = &decisions;
    in.plan = &plan;
    const std::vector<ReadinessItem> items = Readiness::assess(in);
    const QJsonObject o = planJsonWithReadiness(plan, items);
    // the plan's keys stay as they were
    for (const QString &key : plan.toJson().keys())
        QVERIFY2(o.contains(key), qPrintable(key));
    const QJsonArray r = o.value(u"readiness"_s).toArray();
    QCOMPARE(r.size(), 2);
    for (const QJsonValue &v : r) {
        const QJsonObject item = v.toObject();
        QCOMPARE(item.keys(), (QStringList{u"detail"_s, u"kind"_s, u"row"_s, u"severity"_s, u"step"_s, u"subject"_s}));
        QCOMPARE(item.value(u"severity"_s).toString(), u"blocking"_s);
    }
    // leaving the colliding rows out takes that item away
    in.skipConflicting = true;
    QCOMPARE(Readiness::blockingCount(Readiness::assess(in)), 1);
}

void tst_Readiness::sessionAcceptIsOneUndoableEdit()
{
    const School school = generateSchool(smallSchool(11));
    RecoverySession session;
    RosterSession roster(&session);
    DatabaseSession db(&session, &roster);
    ReadinessSession readiness(&session, &roster, &db);
    const QString path = m_dir.filePath(u"accept.ttproj"_s);
    session.newProject(path, SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
    writeSchoolCsv(school, m_dir.path(), QuirkOptions{}, false, session.editableProject());
    session.markRecordsChanged();
    roster.rebuild();
    session.waitForIdle();
    QVERIFY(roster.isBuilt());
    QVERIFY(readiness.blockingCount() > 0);
    QVERIFY(!readiness.reason().isEmpty());
    const int before = studentsWithLogs(roster.roster());

    std::vector<RosterDecisions> edits; // the decisions before each edit, as the undo stack keeps them
    connect(&roster, &RosterSession::decisionsEdited, this,
            [&edits](const RosterDecisions &previous, const RosterDecisions &, const QString &) { edits.push_back(previous); });
    QSignalSpy done(&readiness, &ReadinessSession::suggestionsAccepted);
    QVERIFY(readiness.acceptEverySuggestion());
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(readiness.blockingCount(), 0, 60000); // once the roster is rebuilt with the answers
    session.waitForIdle();
    QCOMPARE(int(edits.size()), 1); // one step to undo
    QVERIFY(readiness.reason().isEmpty());
    QVERIFY(studentsWithLogs(roster.roster()) <= before); // answers may merge students, never split them
    // recorded in the project, and in effect
    const nlohmann::json *section = std::as_const(session.project()).section("readiness");
    QVERIFY(section && section->contains("accepted"));
    QCOMPARE(int(section->at("accepted").size()), done.first().first().toInt());
    const QJsonObject meta = readiness.auditMeta();
    QCOMPARE(meta.value(u"acceptedSuggestions"_s).toArray().size(), done.first().first().toInt());

    // undo: the decisions before the edit come back, and so do the blocking items
    roster.restoreDecisions(edits.front());
    QTRY_VERIFY_WITH_TIMEOUT(readiness.blockingCount() > 0, 60000);
    session.waitForIdle();
    QCOMPARE(readiness.auditMeta().value(u"acceptedSuggestions"_s).toArray().size(), 0);
    // the gate: a commit is refused while blocking items remain (nothing is started)
    QVERIFY(!readiness.commit(u"tracktally_prod"_s, m_dir.filePath(u"backups"_s)));
}

QTEST_GUILESS_MAIN(tst_Readiness)
#include "tst_readiness.moc"
