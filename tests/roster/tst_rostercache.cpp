// The roster cached in the project (roster/rostercache.h): what comes out of the cache is the roster a build
// gives, field by field, on generated schools; any change of what the build depends on misses the cache; a
// damaged cache is never used.
#include "fixturegenerator.h"

#include "import/importer.h"
#include "project/project.h"
#include "project/dismissals.h"
#include "report/jsonreport.h"
#include "report/reportwriter.h"
#include "roster/rostercache.h"
#include "roster/rosterproject.h"
#include "roster/rostersnapshot.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

// A project made the way the import and reconstruct commands make one, from a generated school's exports.
Project importedProject(const School &school, const QString &dir)
{
    Project project = Project::create(SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
    const QuirkOptions q;
    writeCsvTab(school, RecordType::Incident, dir + u"/incidents.csv"_s, q);
    writeCsvTab(school, RecordType::Commendation, dir + u"/commendations.csv"_s, q);
    Importer importer(project);
    importer.importCsv(dir + u"/incidents.csv"_s, RecordType::Incident);
    importer.importCsv(dir + u"/commendations.csv"_s, RecordType::Commendation);
    return project;
}

School school(quint64 seed, int namesakePairs = 0)
{
    SchoolSpec spec;
    spec.seed = seed;
    spec.namesakePairs = namesakePairs;
    return generateSchool(spec);
}

// A snapshot of part of the school (every other class's students, the first teachers): some questions settled by
// it, some not.
void addSnapshot(Project &project, const School &school, const QString &dir)
{
    RosterSnapshot snap;
    snap.school = school.spec.name;
    snap.domain = school.spec.domain;
    snap.database = u"tracktally@db.example"_s;
    snap.takenAt = u"2025-11-20T03:00:00Z"_s;
    for (size_t i = 0; i < school.teachers.size() / 2; ++i)
        snap.teachers.push_back({school.teachers[i].email, school.teachers[i].fullName, school.teachers[i].role,
                                 school.teachers[i].specialist, true});
    for (size_t i = 0; i < school.classes.size(); i += 2)
        snap.classrooms.push_back({school.classes[i].code, school.classes[i].name, false, school.classes[i].homeroomEmail,
                                   school.classes[i].specialistEmails});
    for (const TruthStudent &s : school.students)
        if (s.finalClassCode.isEmpty() || std::any_of(snap.classrooms.begin(), snap.classrooms.end(), [&s](const auto &c) {
                return c.code == s.finalClassCode;
            }))
            snap.students.push_back({s.studentId, s.firstName, s.lastName, s.finalClassCode, s.guardians, {}, true});
    snap.write(dir + u"/snapshot"_s);
    setProjectSnapshot(project, dir + u"/snapshot"_s);
}

// Names the first difference, so that a failure says which field the cache lost.
QString firstDifference(const Roster &a, const Roster &b)
{
    auto at = [](const char *what, size_t i) { return u"%1 #%2"_s.arg(QLatin1StringView(what)).arg(i); };
    if (a.teachers.size() != b.teachers.size())
        return u"teachers: count"_s;
    for (size_t i = 0; i < a.teachers.size(); ++i)
        if (!(a.teachers[i] == b.teachers[i]))
            return at("teacher", i) + u" "_s + a.teachers[i].email;
    if (a.classrooms.size() != b.classrooms.size())
        return u"classrooms: count"_s;
    for (size_t i = 0; i < a.classrooms.size(); ++i)
        if (!(a.classrooms[i] == b.classrooms[i]))
            return at("classroom", i) + u" "_s + a.classrooms[i].code;
    if (a.students.size() != b.students.size())
        return u"students: count"_s;
    for (size_t i = 0; i < a.students.size(); ++i)
        if (!(a.students[i] == b.students[i]))
            return at("student", i) + u" "_s + a.students[i].studentId;
    if (a.links != b.links)
        return u"links"_s;
    if (!(a.summary == b.summary))
        return u"summary"_s;
    if (a.conflicts != b.conflicts)
        return u"conflicts"_s;
    if (a.unlinkedReasons != b.unlinkedReasons)
        return u"unlinkedReasons"_s;
    return a == b ? QString() : u"something else"_s;
}

} // namespace

class tst_RosterCache : public QObject
{
    Q_OBJECT
private slots:
    void cachedEqualsBuilt_data();
    void cachedEqualsBuilt();
    void changesMiss();
    void damagedIgnored();
    void keyKeptBySaveAndLoad();
    void recordSummary();
    void jsonReportTextMatchesDocument();
    void isoDateTimeMs();
};

void tst_RosterCache::cachedEqualsBuilt_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<bool>("schoolLists");
    QTest::addColumn<bool>("snapshot");
    QTest::addColumn<bool>("decisions");
    QTest::addColumn<bool>("accounts");
    QTest::newRow("logs only") << quint64(3) << false << false << false << false;
    QTest::newRow("roster and staff lists") << quint64(5) << true << false << false << false;
    QTest::newRow("lists, every suggestion decided") << quint64(7) << true << false << true << false;
    QTest::newRow("snapshot, accounts") << quint64(11) << false << true << false << true;
    QTest::newRow("snapshot, lists, decided, accounts") << quint64(23) << true << true << true << true;
}

void tst_RosterCache::cachedEqualsBuilt()
{
    QFETCH(quint64, seed);
    QFETCH(bool, schoolLists);
    QFETCH(bool, snapshot);
    QFETCH(bool, decisions);
    QFETCH(bool, accounts);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const School school = tt::test::school(seed, 2);
    Project project = importedProject(school, tmp.path());
    if (schoolLists) {
        writeRosterCsv(school, tmp.filePath(u"roster.csv"_s));
        writeStaffCsv(school, tmp.filePath(u"staff.csv"_s));
        setProjectRosterCsv(project, tmp.filePath(u"roster.csv"_s));
        setProjectStaffCsv(project, tmp.filePath(u"staff.csv"_s));
    }
    if (snapshot)
        addSnapshot(project, school, tmp.path());
    if (accounts)
        setProjectAccountLists(project, AccountLists{{school.teachers.front().email}, {u"ops@tracktally.example"_s}, u"/srv/.env"_s});
    if (decisions) {
        RosterDecisions d = projectDecisions(project);
        d.acceptAll(rebuildProjectRoster(project));
        d.setStudentName(school.students.front().studentId, u"Zoë"_s, u"O'Brien-Nguyễn"_s); // beyond Latin-1
        setProjectDecisions(project, d);
    }
    QVERIFY(!cachedProjectRoster(project)); // nothing stored yet

    const Roster built = rebuildProjectRoster(project);
    QVERIFY(!built.links.empty());
    QVERIFY(!built.conflicts.empty());
    QCOMPARE(built.links.size(), size_t(project.counts().accepted));
    if (decisions || snapshot) // the snapshot's fields are decisions too
        QVERIFY(std::any_of(built.students.begin(), built.students.end(), [](const StudentDraft &s) { return s.decided; }));
    if (snapshot)
        QVERIFY(!projectSnapshotSubjects(project).isEmpty());

    storeProjectRoster(project, built);
    const std::optional<Roster> cached = cachedProjectRoster(project);
    QVERIFY(cached);
    QCOMPARE(firstDifference(*cached, built), QString());
    QVERIFY(*cached == built);
    QCOMPARE(firstDifference(buildProjectRoster(project), built), QString()); // what the commands get
    // compact: far less than the records it links (a link is five small indices)
    const QByteArray bytes = encodeRoster(built);
    QVERIFY2(bytes.size() < qsizetype(built.links.size()) * 16 + 200000, QByteArray::number(bytes.size()).constData());
}

void tst_RosterCache::changesMiss()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const School school = tt::test::school(13);
    Project project = importedProject(school, tmp.path());
    QVERIFY(!project.dedupe().groups.empty());
    auto stored = [&project] {
        const Roster built = rebuildProjectRoster(project);
        storeProjectRoster(project, built);
        return cachedProjectRoster(project).has_value();
    };
    // each change must miss, and buildProjectRoster must then give the roster of the changed project
    auto missesAfter = [&project](const char *what, const std::function<void()> &change) {
        change();
        if (cachedProjectRoster(project))
            return u"%1: the cache was still used"_s.arg(QLatin1StringView(what));
        if (!(buildProjectRoster(project) == rebuildProjectRoster(project)))
            return u"%1: buildProjectRoster differs from a build"_s.arg(QLatin1StringView(what));
        return QString();
    };
    const QString student = school.students.front().studentId;
    QVERIFY(stored());
    QCOMPARE(missesAfter("a decision", [&] {
                 RosterDecisions d = projectDecisions(project);
                 d.setStudentName(student, u"Other"_s, u"Name"_s);
                 setProjectDecisions(project, d);
             }),
             QString());
    QVERIFY(stored());
    QCOMPARE(missesAfter("a record", [&] { project.mutableRecords().front().studentName = u"Changed Name"_s; }), QString());
    QVERIFY(stored());
    QCOMPARE(missesAfter("a duplicate choice", [&] {
                 const DuplicateGroup &g = project.dedupe().groups.front();
                 const quint32 other = g.members.front() == g.chosen ? g.members.back() : g.members.front();
                 const IncidentRecord &r = project.records()[other];
                 project.chooseDuplicate(g.uuid, RecordKey{r.sourceIndex, r.sourceRow});
             }),
             QString());
    QVERIFY(stored());
    QCOMPARE(missesAfter("the time zone", [&] {
                 SchoolInfo s = project.school();
                 s.timeZone = u"Australia/Perth"_s;
                 project.setSchool(s);
             }),
             QString());
    QVERIFY(stored());
    QCOMPARE(missesAfter("the staff list", [&] {
                 writeStaffCsv(school, tmp.filePath(u"staff.csv"_s));
                 setProjectStaffCsv(project, tmp.filePath(u"staff.csv"_s));
             }),
             QString());
    QVERIFY(stored());
    QCOMPARE(missesAfter("the accounts", [&] {
                 setProjectAccountLists(project, AccountLists{{school.teachers.back().email}, {}, u"/srv/.env"_s});
             }),
             QString());
    QVERIFY(stored());
    QVERIFY(cachedProjectRoster(project)); // and nothing changed: still used
}

void tst_RosterCache::damagedIgnored()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const School school = tt::test::school(17);
    Project project = importedProject(school, tmp.path());
    const Roster built = rebuildProjectRoster(project);
    const QByteArray good = encodeRoster(built);
    QVERIFY(decodeRoster(good));
    const QByteArray key = projectRosterKey(project);

    QList<QByteArray> damaged;
    for (qsizetype at : {qsizetype(0), qsizetype(5), good.size() / 3, good.size() / 2, good.size() - 20, good.size() - 1}) {
        QByteArray b = good;
        b[at] = char(b[at] ^ 0x5a);
        damaged << b;
    }
    damaged << good.left(good.size() / 2) << good.left(10) << QByteArray() << good + "x" << QByteArray(good.size(), '\0');
    for (const QByteArray &b : std::as_const(damaged)) {
        QVERIFY(!decodeRoster(b));
        storeProjectRoster(project, key, b);
        QVERIFY(!cachedProjectRoster(project));
        QVERIFY(buildProjectRoster(project) == built); // rebuilt instead
    }
    storeProjectRoster(project, key, good);
    QVERIFY(cachedProjectRoster(project));
}

// The key is made of what the file keeps: a project saved and opened again matches the roster it was saved with.
void tst_RosterCache::keyKeptBySaveAndLoad()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const School school = tt::test::school(19);
    Project project = importedProject(school, tmp.path());
    writeRosterCsv(school, tmp.filePath(u"roster.csv"_s));
    setProjectRosterCsv(project, tmp.filePath(u"roster.csv"_s));
    RosterDecisions d;
    d.acceptAll(rebuildProjectRoster(project));
    setProjectDecisions(project, d);
    const Roster built = rebuildProjectRoster(project);
    storeProjectRoster(project, built);
    project.save(tmp.filePath(u"p.ttproj"_s));
    const Project loaded = Project::load(tmp.filePath(u"p.ttproj"_s));
    QCOMPARE(projectRosterKey(loaded).toHex(), projectRosterKey(project).toHex());
    QVERIFY(buildProjectRoster(loaded) == built);
}

// The counts and duplicates kept beside the roster are those the project computes, and the JSON report written from
// them is the same, byte for byte, as the one written from the records.
void tst_RosterCache::recordSummary()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const School school = tt::test::school(29);
    Project project = importedProject(school, tmp.path());
    QVERIFY(!project.quarantine().empty());
    const DuplicateGroup g = project.dedupe().groups.front(); // a copy: choosing recomputes the groups
    const IncidentRecord other = project.records()[g.members.front() == g.chosen ? g.members.back() : g.members.front()];
    project.chooseDuplicate(g.uuid, RecordKey{other.sourceIndex, other.sourceRow});
    const Roster roster = rebuildProjectRoster(project);
    const QByteArray reportFromRecords = jsonReportBytes(project, roster);

    const RecordSummary s = summarizeRecords(project);
    QCOMPARE(s.total, project.counts());
    QCOMPARE(s.sources.size(), project.sources().size());
    for (size_t i = 0; i < s.sources.size(); ++i)
        QCOMPARE(s.sources[i], project.counts(int(i)));
    QCOMPARE(s.incidents, project.acceptedOfType(RecordType::Incident));
    QCOMPARE(s.commendations, project.acceptedOfType(RecordType::Commendation));
    const DedupeResult &d = project.dedupe();
    QCOMPARE(s.duplicates.size(), d.groups.size());
    QVERIFY(std::any_of(s.duplicates.begin(), s.duplicates.end(), [](const auto &dup) { return dup.chosenByUser; }));
    for (size_t i = 0; i < d.groups.size(); ++i) {
        QCOMPARE(s.duplicates[i].uuid, d.groups[i].uuid);
        QCOMPARE(s.duplicates[i].rows.size(), d.groups[i].members.size());
        const IncidentRecord &chosen = project.records()[d.groups[i].chosen];
        QCOMPARE(s.duplicates[i].chosen, (RecordKey{chosen.sourceIndex, chosen.sourceRow}));
    }

    storeRecordSummary(project);
    QVERIFY(projectRecordSummary(project) == s);
    QCOMPARE(jsonReportBytes(project, roster), reportFromRecords);
    // stored with the roster, kept by the file: the report of the project opened again is the same too
    storeProjectRoster(project, roster);
    project.save(tmp.filePath(u"p.ttproj"_s));
    const Project loaded = Project::load(tmp.filePath(u"p.ttproj"_s));
    QCOMPARE(jsonReportBytes(loaded, buildProjectRoster(loaded)), reportFromRecords);

    // a damaged one is not used; a change of the records misses it
    QByteArray damaged = *project.cache("records", recordSummaryKey(project));
    damaged[damaged.size() / 2] = char(damaged[damaged.size() / 2] ^ 0x21);
    project.setCache("records", recordSummaryKey(project), damaged);
    QVERIFY(projectRecordSummary(project) == s);
    storeRecordSummary(project);
    project.chooseDuplicate(g.uuid, RecordKey{project.records()[g.chosen].sourceIndex, project.records()[g.chosen].sourceRow});
    QVERIFY(!project.cache("records", recordSummaryKey(project)));
    QCOMPARE(projectRecordSummary(project), summarizeRecords(project));
    QVERIFY(!(projectRecordSummary(project) == s));

    // records of no listed source (only a project made in memory has them): counted in the totals, as Project does
    Project bare = Project::create(project.school());
    bare.mutableRecords() = {project.records().front(), project.records().back()};
    bare.mutableRecords().back().sourceIndex = 7;
    const RecordSummary b = summarizeRecords(bare);
    QCOMPARE(b.total, bare.counts());
    QCOMPARE(b.incidents + b.commendations, bare.counts().accepted);
    const Roster none;
    QCOMPARE(jsonReportText(bare, none), QByteArray::fromStdString(buildJsonReport(bare, &none).dump(2)) + '\n');
}

// The report written as text is the document buildJsonReport makes, dumped as before (the report's contract), also
// with what needs escaping, dismissed rows, applies and decisions.
void tst_RosterCache::jsonReportTextMatchesDocument()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const School school = tt::test::school(31, 1);
    Project project = importedProject(school, tmp.path());
    auto dom = [&project](const Roster &r) { return QByteArray::fromStdString(buildJsonReport(project, &r).dump(2)) + '\n'; };
    Roster roster = rebuildProjectRoster(project);
    QCOMPARE(jsonReportText(project, roster), dom(roster));

    SchoolInfo info = project.school();
    info.name = u"Wattle \"Grove\" \\ Primary\n\t\x01\x1f\x7f / Zoë 🦘"_s;
    project.setSchool(info);
    const QuarantinedRow &q = project.quarantine().front();
    const SourceInfo &src = project.sources()[size_t(q.sourceIndex)];
    setQuarantineDismissals(project, {{src.sha256, src.sheet, q.row, u"a test entry, \"typed\" by hand"_s, u"2025-11-20T03:00:00Z"_s}});
    project.section("applied") = nlohmann::json::array(
        {{{"database", "tracktally"}, {"inserted", {{"students", 700}, {"ratio", 0.25}}}, {"verified", true},
          {"questions", nlohmann::json::array()}, {"backup", nullptr}, {"note", "line\nbreak \u00e9"}}});
    RosterDecisions d = projectDecisions(project);
    d.acceptAll(rebuildProjectRoster(project));
    d.setStudentName(school.students.front().studentId, u"Zoë \"Z\""_s, u"O'Brien\\Nguyễn"_s);
    d.setTeacherDisplayName(school.teachers.front().email, QString());
    setProjectDecisions(project, d);
    roster = rebuildProjectRoster(project);
    QVERIFY(roster.summary.total > 0);
    QCOMPARE(dismissedCount(project), qint64(1));
    QCOMPARE(jsonReportText(project, roster), dom(roster));
    QCOMPARE(jsonReportBytes(project, roster), dom(roster));

    Roster empty; // no roster rows at all: empty arrays
    QCOMPARE(jsonReportText(Project::create(info), empty), QByteArray::fromStdString(buildJsonReport(Project::create(info), &empty).dump(2)) + '\n');
}

void tst_RosterCache::isoDateTimeMs()
{
    const qint64 samples[] = {0, 1, 999, 1000, 86399999, 86400000, 951782400000 /* 2000-02-29 */, 1741000000123,
                              4102444799999, 253402300799999, 253402300800000, -1, -86400001, -62135596800000};
    for (qint64 ms : samples)
        QCOMPARE(tt::isoDateTimeMs(ms), QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8());
    for (qint64 ms = 0; ms < 253402300800000; ms += 7919LL * 86400000 + 3600007)
        QCOMPARE(tt::isoDateTimeMs(ms), QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8());
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_RosterCache)
#include "tst_rostercache.moc"
