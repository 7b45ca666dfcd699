// QAbstractItemModelTester on every model of the wizard, over a generated school, while the data changes
// underneath it (filters, sorting, edits, fixes, rebuilds).
#include "fixturegenerator.h"
#include "models/duplicatemodels.h"
#include "models/incidentmodel.h"
#include "models/planmodels.h"
#include "models/previewmodel.h"
#include "models/quarantinemodel.h"
#include "models/rostermodels.h"
#include "models/unlinkedmodel.h"
#include "import/importer.h"
#include "session/incidentssession.h"
#include "session/readiness.h"
#include "session/recoverysession.h"
#include "session/validationsession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::ui;

class tst_GuiModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void models_data();
    void models();
    void previewModel();
    void incidentProxyFiltersAndSorts_data();
    void incidentProxyFiltersAndSorts();
    void planModels();

private:
    QTemporaryDir m_dir;
    test::School m_school;
    std::unique_ptr<RecoverySession> m_session;
    std::unique_ptr<RosterSession> m_roster;
};

void tst_GuiModels::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    test::SchoolSpec spec;
    spec.seed = 11;
    spec.classes = 4;
    spec.studentsPerClass = 10;
    spec.logs = 600;
    m_school = test::generateSchool(spec);
    const QString inc = m_dir.filePath(QStringLiteral("Incidents.csv"));
    const QString com = m_dir.filePath(QStringLiteral("Commendations.csv"));
    test::writeCsvTab(m_school, RecordType::Incident, inc, test::QuirkOptions{});
    test::writeCsvTab(m_school, RecordType::Commendation, com, test::QuirkOptions{});
    m_session = std::make_unique<RecoverySession>();
    m_roster = std::make_unique<RosterSession>(m_session.get());
    m_session->newProject(m_dir.filePath(QStringLiteral("p.ttproj")), SchoolInfo{spec.name, spec.domain, spec.timeZone});
    Importer importer(m_session->editableProject());
    importer.importCsv(inc, RecordType::Incident);
    importer.importCsv(com, RecordType::Commendation);
    m_session->markRecordsChanged();
    QVERIFY(m_roster->rebuild());
    m_session->waitForIdle();
    QVERIFY(m_roster->isBuilt());
    QVERIFY(!m_session->project().quarantine().empty());
}

void tst_GuiModels::models_data()
{
    QTest::addColumn<QString>("model");
    for (const char *name : {"quarantine", "duplicateGroups", "duplicateCompare", "incidents", "teachers", "classrooms",
                             "students", "unlinked"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void tst_GuiModels::models()
{
    QFETCH(QString, model);
    std::unique_ptr<QAbstractItemModel> m;
    IncidentsSession filter;
    ValidationSession validation(m_session.get());
    DuplicateGroupModel groups(m_session.get());
    if (model == u"quarantine")
        m = std::make_unique<QuarantineModel>(m_session.get(), &validation);
    else if (model == u"duplicateGroups")
        m = std::make_unique<DuplicateGroupModel>(m_session.get());
    else if (model == u"duplicateCompare") {
        auto c = std::make_unique<DuplicateCompareModel>(m_session.get());
        QVERIFY(groups.rowCount() > 0);
        c->setGroup(groups.group(0));
        QCOMPARE(c->columnCount(), int(groups.group(0)->members.size()));
        m = std::move(c);
    } else if (model == u"incidents") {
        auto im = std::make_unique<IncidentModel>();
        im->setRecords(m_session->accepted(), m_session->project().timeZone());
        QCOMPARE(im->rowCount(), int(m_session->project().counts().accepted));
        m = std::move(im);
    } else if (model == u"teachers")
        m = std::make_unique<TeacherModel>(m_roster.get());
    else if (model == u"classrooms")
        m = std::make_unique<ClassroomModel>(m_roster.get());
    else if (model == u"students")
        m = std::make_unique<StudentModel>(m_roster.get());
    else if (model == u"unlinked")
        m = std::make_unique<UnlinkedModel>(m_session.get(), m_roster.get());
    QVERIFY(m);
    QAbstractItemModelTester tester(m.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    // read every cell in every role the views use
    for (int r = 0; r < m->rowCount(); ++r)
        for (int c = 0; c < m->columnCount(); ++c)
            for (int role : {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, Qt::BackgroundRole, Qt::FontRole, Qt::CheckStateRole})
                m->index(r, c).data(role);

    // changes underneath: a rebuild and an edit
    if (model == u"teachers") {
        const QModelIndex name = m->index(0, TeacherModel::NameColumn);
        QVERIFY(m->setData(name, QStringLiteral("Pat Example")));
        QCOMPARE(m->index(0, TeacherModel::NameColumn).data().toString(), QStringLiteral("Pat Example"));
        QVERIFY(m->setData(m->index(0, TeacherModel::RoleColumn), QStringLiteral("admin")));
        QVERIFY(!m->setData(m->index(0, TeacherModel::RoleColumn), QStringLiteral("janitor")));
    }
    if (model == u"students") {
        QVERIFY(m->setData(m->index(0, StudentModel::LastColumn), QStringLiteral("Example-Smith")));
        QCOMPARE(m->index(0, StudentModel::LastColumn).data().toString(), QStringLiteral("Example-Smith"));
    }
    QSignalSpy reset(m.get(), &QAbstractItemModel::modelReset);
    QVERIFY(m_roster->rebuild());
    m_session->waitForIdle();
    if (model == u"teachers")
        QCOMPARE(m->index(0, TeacherModel::NameColumn).data().toString(), QStringLiteral("Pat Example")); // the decision survives
    if (model == u"quarantine") {
        // editing a cell re-validates the row: the model stays consistent through it
        const QModelIndex cell = m->index(0, QuarantineModel::FirstCellColumn);
        m->setData(cell, QStringLiteral("not a date"));
        QTest::qWait(0);
        QCoreApplication::processEvents();
        QVERIFY(reset.count() >= 1);
    }
}

void tst_GuiModels::previewModel()
{
    SourcesSession config(m_session.get());
    config.select(0);
    QTRY_VERIFY(!config.previewRows().empty());
    QCOMPARE(int(config.previewRows().size()), SourcesSession::PreviewRows);
    PreviewModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRows(config.previewRows(), config.previewColumns(), {});
    QCOMPARE(m.rowCount(), SourcesSession::PreviewRows);
    QVERIFY(m.columnCount() >= FieldCount);
    QCOMPARE(m.headerData(0, Qt::Horizontal).toString(), QStringLiteral("A"));
    // the mapping editor catches the same column chosen twice
    config.setColumn(Field::StudentName, config.mapping().column(Field::Timestamp));
    QVERIFY(!config.problems().isEmpty());
    QVERIFY(config.mappingDirty());
    QVERIFY(!config.applyMapping());
    config.revertMapping();
    QVERIFY(config.problems().isEmpty());
    QVERIFY(!config.mappingDirty());
}

void tst_GuiModels::incidentProxyFiltersAndSorts_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("type");
    QTest::newRow("time, all") << int(IncidentModel::TimeColumn) << -1;
    QTest::newRow("student, incidents") << int(IncidentModel::StudentColumn) << 0;
    QTest::newRow("category, commendations") << int(IncidentModel::CategoryColumn) << 1;
    QTest::newRow("class, all") << int(IncidentModel::ClassColumn) << -1;
}

void tst_GuiModels::incidentProxyFiltersAndSorts()
{
    QFETCH(int, column);
    QFETCH(int, type);
    IncidentModel model;
    IncidentsSession filter;
    IncidentProxyModel proxy(&model, &filter);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto records = m_session->accepted();
    model.setRecords(records, m_session->project().timeZone());
    filter.setRecords(records);
    connect(&filter, &IncidentsSession::filterChanged, &proxy, &IncidentProxyModel::refilter);
    proxy.refilter();
    if (type != filter.type()) {
        QSignalSpy changed(&filter, &IncidentsSession::filterChanged);
        filter.setType(type);
        QCOMPARE(changed.count(), 0); // debounced: applied after a pause
        QVERIFY(changed.wait(2000));
    }
    int expected = 0;
    for (const IncidentRecord &r : *records)
        expected += (type < 0 || int(r.type) == type) ? 1 : 0;
    QCOMPARE(proxy.rowCount(), expected);
    QCOMPARE(filter.matches(), qint64(expected));
    QCOMPARE(filter.stats().total, qint64(expected));
    proxy.sort(column, Qt::AscendingOrder); // sorted on the session's worker thread
    filter.waitForFinished();
    QCOMPARE(proxy.rowCount(), expected);
    for (int r = 1; r < proxy.rowCount(); ++r)
        QVERIFY(!proxy.lessThan(proxy.mapToSource(proxy.index(r, column)), proxy.mapToSource(proxy.index(r - 1, column))));
}

// The Plan page's models over this school's readiness list and a plan (as the writer would count it).
void tst_GuiModels::planModels()
{
    const Roster &roster = m_roster->roster();
    ReadinessInput in;
    in.project = &m_session->project();
    in.roster = &roster;
    in.decisions = &m_roster->decisions();
    const std::vector<ReadinessItem> items = Readiness::assess(in);
    QVERIFY(!items.empty()); // the export has quarantined rows at least
    ReadinessModel readiness;
    QAbstractItemModelTester readinessTester(&readiness, QAbstractItemModelTester::FailureReportingMode::QtTest);
    readiness.setItems(items);
    QCOMPARE(readiness.rowCount(), int(items.size()));
    for (int r = 0; r < readiness.rowCount(); ++r) {
        QCOMPARE(readiness.index(r, ReadinessModel::SubjectColumn).data().toString(), items[size_t(r)].subject);
        QCOMPARE(readiness.index(r, 0).data(ReadinessModel::StepRole).toString(), items[size_t(r)].step);
        // the severity is a word, not only a colour
        QCOMPARE(readiness.index(r, ReadinessModel::SeverityColumn).data().toString(),
                 items[size_t(r)].isBlocking() ? QStringLiteral("Blocking") : QStringLiteral("Warning"));
    }

    RecoveryPlan plan;
    plan.database = QStringLiteral("tracktally_prod");
    plan.teachers.toInsert = qint64(roster.teachers.size()) - 1;
    plan.teachers.conflicting = 1;
    plan.students.toInsert = qint64(roster.students.size());
    auto records = m_session->accepted();
    plan.incidents.toInsert = qint64(records->size());
    plan.incidentAccepted.assign(records->size(), true);
    plan.conflicts.push_back(RowConflict{QStringLiteral("Teacher"), roster.teachers.front().email, QStringLiteral("Other"),
                                         QStringLiteral("other.example")});
    PlanTreeModel tree;
    QAbstractItemModelTester treeTester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tree.setPlan(&plan, m_session->project().school(), roster, records);
    QCOMPARE(tree.rowCount(), 6);
    for (int t = 0; t < tree.rowCount(); ++t) {
        const QModelIndex table = tree.index(t, 0);
        const QString name = table.data().toString();
        if (name == QStringLiteral("Teacher")) {
            QCOMPARE(tree.rowCount(table), int(roster.teachers.size()));
            QCOMPARE(tree.index(0, PlanTreeModel::ConflictingColumn, table).data().toString(), QStringLiteral("another school's"));
            QCOMPARE(tree.index(t, PlanTreeModel::ConflictingColumn).data().toString(), QStringLiteral("1"));
        }
        if (name == QStringLiteral("Student"))
            QCOMPARE(tree.rowCount(table), int(roster.students.size()));
        if (name == QStringLiteral("Incident"))
            QCOMPARE(tree.rowCount(table), int(records->size()));
        for (int r = 0; r < std::min(tree.rowCount(table), 50); ++r) {
            QCOMPARE(tree.parent(tree.index(r, 0, table)), table);
            for (int c = 0; c < tree.columnCount(); ++c)
                tree.index(r, c, table).data();
        }
    }
    tree.setPlan(nullptr, {}, roster, nullptr);
    QCOMPARE(tree.rowCount(), 0);
}

QTEST_MAIN(tst_GuiModels)
#include "tst_guimodels.moc"
