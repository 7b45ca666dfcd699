// Drives the database steps of the real wizard against a private PostgreSQL (tt::Sandbox): connect and check,
// plan, commit (typed confirmation, backup), verify; then commit again and see that nothing new is inserted.
#include "database/sandbox.h"
#include "fixturegenerator.h"
#include "mainwindow.h"
#include "models/planmodels.h"
#include "models/rostermodels.h"
#include "pages/databasepages.h"
#include "pages/envcheckbox.h"
#include "pages/rosterpage.h"
#include "recoverywizard.h"
#include "session/databasesession.h"
#include "session/envchecksession.h"
#include "session/readinesssession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace tt;
using namespace tt::ui;
using namespace Qt::StringLiterals;

namespace tt::test {
// From tests/database/dbtestsupport.h (not included: its SchoolSpec is not the fixture generator's).
QString queryValue(const QString &url, const QString &sql);
QString createScratchDatabase(const Sandbox &sandbox, const QString &name);
QString createMigratedDatabase(const Sandbox &sandbox, const QString &name, int migrations,
                               const QString &beforeOrganizations);
}

class tst_WizardDatabase : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void migratedDatabaseBanner();
    void connectAndCheck();
    void envCheck_data();
    void envCheck();
    void plan();
    void planIsAReviewScreen();
    void readinessItemOpensItsRow();
    void commitIsGatedUntilSuggestionsAreAccepted();
    void commitNeedsTheTypedName();
    void verify();
    void saveReportInEveryFormat_data();
    void saveReportInEveryFormat();
    void commitAgainInsertsNothing();
    void cleanupTestCase();

private:
    template<typename T> T *find(const QString &name) const { return m_window->findChild<T *>(name); }
    void clickNext() { QTest::mouseClick(find<QAbstractButton>(QStringLiteral("nextButton")), Qt::LeftButton); }

    QTemporaryDir m_dir;
    std::optional<Sandbox> m_sandbox;
    std::unique_ptr<MainWindow> m_window;
    qint64 m_accepted = 0;
    QString m_otherUrl;
};

void tst_WizardDatabase::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_wizarddatabase"));
    QVERIFY2(!Sandbox::findPostgresBinDir().isEmpty(),
             "PostgreSQL server binaries are not installed (script/deps installs them)");
    m_sandbox = Sandbox::start(m_dir.filePath(QStringLiteral("sandbox")));
    // another school's database on the same server: a .env that points there must raise the warning
    m_otherUrl = test::createScratchDatabase(*m_sandbox, QStringLiteral("tracktally_other"));

    test::SchoolSpec spec;
    spec.seed = 5;
    spec.classes = 4;
    spec.studentsPerClass = 8;
    spec.logs = 500;
    // the fifth pair of namesakes shares a class: a question no rule settles (readinessItemOpensItsRow)
    spec.namesakePairs = 5;
    const test::School school = test::generateSchool(spec);
    const QString inc = m_dir.filePath(QStringLiteral("Incidents.csv"));
    const QString com = m_dir.filePath(QStringLiteral("Commendations.csv"));
    test::writeCsvTab(school, RecordType::Incident, inc, test::QuirkOptions{});
    test::writeCsvTab(school, RecordType::Commendation, com, test::QuirkOptions{});

    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->session()->newProject(m_dir.filePath(QStringLiteral("p.ttproj")), SchoolInfo{spec.name, spec.domain, spec.timeZone});
    QVERIFY(m_window->sources()->addFiles({inc, com}));
    m_window->session()->waitForIdle();
    m_accepted = m_window->session()->project().counts().accepted;
    QVERIFY(m_accepted > 0);
    // walk the steps before the database ones
    for (int step = RecoveryWizard::SourcesStep; step <= RecoveryWizard::LinksStep; ++step) {
        QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
        clickNext();
        QTRY_COMPARE(m_window->wizard()->currentId(), step);
        QTRY_VERIFY(!m_window->session()->isBusy());
    }
    QTRY_VERIFY(m_window->roster()->isBuilt() && !m_window->roster()->isStale());
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::DatabaseStep));
}

// A database built by TrackTally's own migrations (no Organization.lmsProvider) is TrackTally's: the banner
// says it is an earlier version of the schema and what the missing column means, not "all there".
void tst_WizardDatabase::migratedDatabaseBanner()
{
    const QString url = test::createMigratedDatabase(*m_sandbox, QStringLiteral("tt_migrated"), 4, QString());
    auto *edit = find<QLineEdit>(QStringLiteral("connectionEdit"));
    edit->clear();
    QTest::keyClicks(edit, url);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->isConnected(), 30000);
    const QString banner = find<QLabel>(QStringLiteral("databaseBanner"))->text();
    QVERIFY2(banner.contains(QStringLiteral("an earlier version of it"))
                 && banner.contains(QStringLiteral("Organization.lmsProvider"))
                 && !banner.contains(QStringLiteral("all there")),
             qPrintable(banner));
    QVERIFY(m_window->database()->schema()->ok());
    const QString shots = qEnvironmentVariable("TT_SCREENSHOT_DIR", m_dir.path());
    QVERIFY(m_window->grab().save(shots + QStringLiteral("/database-migrated-schema.png")));
    // editing the connection drops it: the next test starts unconnected
    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("x"));
    QTest::keyClick(edit, Qt::Key_Return); // editingFinished: the session takes the new text
    QTRY_VERIFY(!m_window->database()->isConnected());
    QTRY_VERIFY(!find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
}

void tst_WizardDatabase::connectAndCheck()
{
    QVERIFY(!find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    auto *edit = find<QLineEdit>(QStringLiteral("connectionEdit"));
    edit->clear();
    QTest::keyClicks(edit, m_sandbox->url());
    QTest::mouseClick(find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->isConnected(), 30000);
    QVERIFY(find<QLabel>(QStringLiteral("databaseBanner"))->text().contains(QStringLiteral("tracktally_sandbox")));
    QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
}

// TrackTally's .env beside the connected database: the page shows both URLs (passwords hidden) and warns, naming
// both databases, when they disagree with each other or with the connection. A pooled form of the connected
// database (Prisma's pgbouncer=true) is the same database: no warning.
void tst_WizardDatabase::envCheck_data()
{
    QTest::addColumn<QString>("databaseUrl"); // "sandbox" or "other"
    QTest::addColumn<QString>("directUrl");
    QTest::addColumn<QStringList>("warningNames"); // the databases the warning names; empty: no warning
    QTest::newRow("both the connected database") << u"sandbox"_s << u"sandbox"_s << QStringList();
    QTest::newRow("both another database") << u"other"_s << u"other"_s
                                           << QStringList{u"tracktally_other"_s, u"tracktally_sandbox"_s};
    QTest::newRow("the incident: app on one, migrations on the other")
        << u"other"_s << u"sandbox"_s << QStringList{u"tracktally_other"_s, u"tracktally_sandbox"_s, u"DIFFERENT databases"_s};
}

void tst_WizardDatabase::envCheck()
{
    QFETCH(QString, databaseUrl);
    QFETCH(QString, directUrl);
    QFETCH(QStringList, warningNames);
    QVERIFY(m_window->database()->isConnected());
    const auto url = [this](const QString &which, bool pooled) {
        QString u = which == u"other"_s ? m_otherUrl : m_sandbox->url();
        // the app's pooled URL carries Prisma's options and a password (hidden on the page)
        if (pooled)
            u = u.replace(u"tracktally@"_s, u"tracktally:s3cret-pw@"_s) + u"&pgbouncer=true&connection_limit=1"_s;
        return u;
    };
    const QString env = m_dir.filePath(u"env-%1/.env.production"_s.arg(QString::fromLatin1(QTest::currentDataTag())).replace(u' ', u'-'));
    QVERIFY(QDir().mkpath(QFileInfo(env).absolutePath()));
    QFile f(env);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(u"# generated\nDATABASE_URL=\"%1\"\nDIRECT_DATABASE_URL=\"%2\"\n"_s.arg(url(databaseUrl, true), url(directUrl, false)).toUtf8());
    f.close();

    auto *edit = find<QLineEdit>(u"envPathEdit"_s);
    QVERIFY(edit && edit->isVisible() && !edit->accessibleName().isEmpty());
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, env);
    QTest::keyClick(edit, Qt::Key_Return);
    auto *page = find<DatabasePage>(u"databasePage"_s);
    EnvCheckSession *check = page->envCheck()->session();
    QCOMPARE(check->envPath(), env);
    QTRY_VERIFY_WITH_TIMEOUT(check->result().has_value() && !check->isChecking(), 30000);
    QTRY_VERIFY(!m_window->session()->isBusy());
    auto *details = find<QLabel>(u"envDetails"_s);
    auto *warning = find<QLabel>(u"envWarning"_s);
    QVERIFY(details->text().contains(u"DATABASE_URL (line 2)"_s));
    QVERIFY(details->text().contains(u"DIRECT_DATABASE_URL (line 3)"_s));
    QVERIFY2(!details->text().contains(u"s3cret-pw"_s) && !warning->text().contains(u"s3cret-pw"_s), "a password is shown");
    QVERIFY(!m_window->database()->connection().contains(u"s3cret"_s));
    if (warningNames.isEmpty()) {
        QVERIFY2(check->result()->agrees(), qPrintable(check->result()->warnings.join(u'\n')));
        QVERIFY(!find<QWidget>(u"envWarningBox"_s)->isVisible());
        QVERIFY2(details->text().contains(u"the database you are connected to"_s), qPrintable(details->text()));
        QVERIFY(details->text().contains(u"reach the same database"_s));
    } else {
        QVERIFY(find<QWidget>(u"envWarningBox"_s)->isVisible());
        QVERIFY(warning->text().contains(u"WARNING"_s)); // in words, not only a colour
        for (const QString &name : warningNames)
            QVERIFY2(warning->text().contains(name), qPrintable(name + u": "_s + warning->text()));
    }
    if (const QString dir = qEnvironmentVariable("TT_SCREENSHOT_DIR"); !dir.isEmpty() && !warningNames.isEmpty())
        m_window->grab().save(dir + u"/09-database-env-warning.png"_s); // to look at (not part of the guide)
    // the project keeps the file's path only
    QCOMPARE(EnvConfig::projectEnvPath(m_window->session()->project()), QFileInfo(env).absoluteFilePath());
    check->setEnvPath(QString()); // the later steps run without it (a check would re-run after each connect)
    QVERIFY(!check->result());
}

void tst_WizardDatabase::plan()
{
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::PlanStep));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->plan().has_value(), 60000);
    const RecoveryPlan &p = *m_window->database()->plan();
    QCOMPARE(p.incidents.toInsert, m_accepted);
    QCOMPARE(p.teachers.toInsert, qint64(m_window->roster()->roster().teachers.size()));
    QCOMPARE(p.students.toInsert, qint64(m_window->roster()->roster().students.size()));
    QVERIFY(!p.hasConflicts());
}

// The sheets lost the leading zeros of some ids: those children appear twice until merged, which blocks.
void tst_WizardDatabase::planIsAReviewScreen()
{
    ReadinessSession *readiness = m_window->wizard()->readiness();
    QVERIFY(readiness->blockingCount() > 0);
    auto *view = find<QTableView>(QStringLiteral("readinessView"));
    QVERIFY(view && view->isVisible());
    QCOMPARE(view->model()->rowCount(), int(readiness->items().size()));
    QVERIFY(find<QLabel>(QStringLiteral("readinessSummary"))->text().contains(QStringLiteral("Not ready")));
    // one row per table, the students expandable to the rows the plan creates
    auto *tree = find<QTreeView>(QStringLiteral("planTree"));
    QAbstractItemModel *model = tree->model();
    QCOMPARE(model->rowCount(), 6);
    QModelIndex students;
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data().toString() == QStringLiteral("Student"))
            students = model->index(r, 0);
    QVERIFY(students.isValid());
    QCOMPARE(model->index(students.row(), PlanTreeModel::InsertColumn).data().toString(),
             QLocale().toString(m_window->database()->plan()->students.toInsert));
    QCOMPARE(model->rowCount(students), int(m_window->roster()->roster().students.size()));
    tree->expand(students);
    // Save plan as JSON: the plan's keys and the readiness list
    const QString path = m_dir.filePath(QStringLiteral("plan.json"));
    QVERIFY(QMetaObject::invokeMethod(find<PlanPage>(QStringLiteral("planPage")), "savePlanJsonTo", Q_ARG(QString, path)));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(o.contains(QStringLiteral("tables")) && o.contains(QStringLiteral("conflicts")));
    const QJsonArray items = o.value(QStringLiteral("readiness")).toArray();
    QCOMPARE(items.size(), qsizetype(readiness->items().size()));
    QCOMPARE(items.first().toObject().value(QStringLiteral("severity")).toString(), QStringLiteral("blocking"));
}

void tst_WizardDatabase::readinessItemOpensItsRow()
{
    ReadinessSession *readiness = m_window->wizard()->readiness();
    // A blocking item about a student (an open question; the roster rules settle the leading-zero twins
    // themselves): clicking it opens the Students step on that row.
    int row = -1;
    for (int i = 0; i < int(readiness->items().size()) && row < 0; ++i) {
        const ReadinessItem &it = readiness->items()[size_t(i)];
        if (it.isBlocking() && it.step == QStringLiteral("students") && !it.row.isEmpty())
            row = i;
    }
    QVERIFY2(row >= 0, "the generated export leaves a question about a student");
    const QString key = readiness->items()[size_t(row)].row;
    auto *view = find<QTableView>(QStringLiteral("readinessView"));
    const QModelIndex item = view->model()->index(row, ReadinessModel::SubjectColumn);
    view->scrollTo(item);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(item).center());
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::StudentsStep));
    auto *page = qobject_cast<RosterPage *>(m_window->wizard()->currentPage());
    QVERIFY(page);
    QTRY_COMPARE(page->view()->currentIndex().data(RosterTableModel::KeyRole).toString(), key);
    // and forward to the plan again
    m_window->wizard()->jumpTo(RecoveryWizard::PlanStep);
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::PlanStep));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isBusy() && m_window->database()->plan().has_value(), 60000);
}

void tst_WizardDatabase::commitIsGatedUntilSuggestionsAreAccepted()
{
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::CommitStep));
    ReadinessSession *readiness = m_window->wizard()->readiness();
    auto *commit = find<QPushButton>(QStringLiteral("commitButton"));
    auto *confirm = find<QLineEdit>(QStringLiteral("confirmDatabaseEdit"));
    auto *reason = find<QLabel>(QStringLiteral("commitBlockedReason"));
    auto *accept = find<QPushButton>(QStringLiteral("acceptSuggestionsButton"));
    confirm->clear();
    QTest::keyClicks(confirm, QStringLiteral("tracktally_sandbox"));
    QVERIFY(readiness->blockingCount() > 0);
    QVERIFY(!commit->isEnabled()); // the right name, but blocking items remain
    QVERIFY(reason->isVisible());
    QVERIFY2(reason->text().contains(QStringLiteral("open question")), qPrintable(reason->text()));
    const int studentsBefore = int(m_window->roster()->roster().students.size());
    QVERIFY(accept->isVisible() && accept->isEnabled());
    QTest::mouseClick(accept, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(readiness->isReady(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isBusy() && m_window->database()->plan().has_value(), 60000);
    QTRY_VERIFY(commit->isEnabled());
    QVERIFY(!reason->isVisible());
    QVERIFY(int(m_window->roster()->roster().students.size()) <= studentsBefore); // answers merge, never split
    QCOMPARE(m_window->database()->plan()->students.toInsert, qint64(m_window->roster()->roster().students.size()));
    // recorded in the project
    const nlohmann::json *section = std::as_const(m_window->session()->project()).section("readiness");
    QVERIFY(section && section->contains("accepted") && !section->at("accepted").empty());
    // undo takes the answers back, and the commit is blocked again; redo restores them
    QAction *undo = m_window->findChild<QAction *>(QStringLiteral("undoAction"));
    QVERIFY(undo && undo->isEnabled());
    undo->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!readiness->isReady(), 60000);
    QTRY_VERIFY(!commit->isEnabled());
    QAction *redo = m_window->findChild<QAction *>(QStringLiteral("redoAction"));
    QVERIFY(redo && redo->isEnabled());
    redo->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(readiness->isReady(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isBusy() && m_window->database()->plan().has_value(), 60000);
    QTRY_VERIFY(commit->isEnabled());
}

void tst_WizardDatabase::commitNeedsTheTypedName()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::CommitStep));
    auto *commit = find<QPushButton>(QStringLiteral("commitButton"));
    auto *confirm = find<QLineEdit>(QStringLiteral("confirmDatabaseEdit"));
    QTest::keyClicks(confirm, QStringLiteral("tracktally_prod"));
    QVERIFY(!commit->isEnabled());
    confirm->clear();
    QTest::keyClicks(confirm, QStringLiteral("tracktally_sandbox"));
    QVERIFY(commit->isEnabled());
    find<QLineEdit>(QStringLiteral("backupDirEdit"))->setText(m_dir.filePath(QStringLiteral("backups")));
    QTest::mouseClick(commit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->applied().has_value(), 120000);
    const ApplyResult &r = *m_window->database()->applied();
    QCOMPARE(r.insertedIncidents, m_accepted);
    QVERIFY(r.backup.verified);
    QVERIFY(QFile::exists(r.backup.file));
    // the AuditLog row lists what was accepted
    const QJsonObject meta = QJsonDocument::fromJson(
        test::queryValue(m_sandbox->url(), QStringLiteral("SELECT \"meta\" FROM \"AuditLog\" WHERE \"action\" = 'recovery.apply'")).toUtf8()).object();
    const QJsonArray accepted = meta.value(QStringLiteral("acceptedSuggestions")).toArray();
    QVERIFY(!accepted.isEmpty());
    QVERIFY(std::all_of(accepted.begin(), accepted.end(), [](const QJsonValue &v) {
        const QString kind = v.toObject().value(QStringLiteral("kind")).toString();
        return kind == QStringLiteral("openQuestion") || kind == QStringLiteral("probableDuplicate");
    }));
}

void tst_WizardDatabase::verify()
{
    QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::VerifyStep));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->verified().has_value(), 60000);
    const VerifyResult &v = *m_window->database()->verified();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QCOMPARE(v.incidentsPresent, m_accepted);
    // the checklist: every check with its numbers and a pass mark
    auto *checklist = find<QTreeWidget>(QStringLiteral("verifyChecklist"));
    QVERIFY(checklist);
    QCOMPARE(checklist->topLevelItemCount(), 10);
    for (int i = 0; i < checklist->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = checklist->topLevelItem(i);
        QVERIFY2(item->text(3).contains(QStringLiteral("Pass")), qPrintable(item->text(0)));
        QCOMPARE(item->text(1), item->text(2));
    }
}

// The Verify page's "Save the recovery report" menu calls saveReportTo(path, format) after its file dialog:
// the same files as `tracktally-recovery report` writes for the same project.
void tst_WizardDatabase::saveReportInEveryFormat_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("name");
    QTest::newRow("html") << int(VerifyPage::ReportFormat::Html) << QStringLiteral("report.html");
    QTest::newRow("pdf") << int(VerifyPage::ReportFormat::Pdf) << QStringLiteral("report.pdf");
    QTest::newRow("json") << int(VerifyPage::ReportFormat::Json) << QStringLiteral("report.json");
    QTest::newRow("csv") << int(VerifyPage::ReportFormat::Csv) << QStringLiteral("csv");
    QTest::newRow("unwritable") << int(VerifyPage::ReportFormat::Pdf) << QStringLiteral("no-such-folder/report.pdf");
}

void tst_WizardDatabase::saveReportInEveryFormat()
{
    QFETCH(int, format);
    QFETCH(QString, name);
    auto *page = find<VerifyPage>(QStringLiteral("verifyPage"));
    QVERIFY(page);
    QVERIFY(find<QPushButton>(QStringLiteral("saveReportButton"))->menu());
    const QString path = m_dir.filePath(QStringLiteral("reports/") + name);
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("reports"))));
    QVERIFY(m_window->session()->saveNow());
    const bool ok = QMetaObject::invokeMethod(page, "saveReportTo", Q_ARG(QString, path),
                                              Q_ARG(tt::ui::VerifyPage::ReportFormat, VerifyPage::ReportFormat(format)));
    QVERIFY(ok);
    const QString message = find<QLabel>(QStringLiteral("reportMessage"))->text();
    if (name.startsWith(QStringLiteral("no-such-folder"))) {
        QVERIFY2(message.contains(QStringLiteral("Could not save the report")) && message.contains(QStringLiteral("try again")),
                 qPrintable(message));
        QVERIFY(!QFile::exists(path));
        return;
    }
    QVERIFY2(message.contains(QStringLiteral("saved")), qPrintable(message));
    // The report names children: owner-only, whatever the umask.
    const QString written = VerifyPage::ReportFormat(format) == VerifyPage::ReportFormat::Csv ? path + QStringLiteral("/students.csv") : path;
    QCOMPARE(QFile::permissions(written) & ~QFileDevice::Permissions(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    // ground truth: the project itself, and the CLI's report of the same (saved) project
    const Project &project = m_window->session()->project();
    const RowCounts counts = project.counts();
    const QString projectFile = m_window->session()->projectPath();
    auto cli = [&](const QStringList &args) {
        QProcess p;
        p.start(qEnvironmentVariable("TT_APP"), QStringList{QStringLiteral("report"), QStringLiteral("--project"), projectFile} + args);
        return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    };
    auto readAll = [](const QString &file) {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };

    switch (VerifyPage::ReportFormat(format)) {
    case VerifyPage::ReportFormat::Html: {
        const QByteArray html = readAll(path);
        QVERIFY(html.startsWith("<!DOCTYPE html>") || html.startsWith("<html"));
        QVERIFY(html.contains(project.school().name.toHtmlEscaped().toUtf8()));
        break;
    }
    case VerifyPage::ReportFormat::Pdf: {
        const QByteArray pdf = readAll(path);
        QVERIFY(pdf.startsWith("%PDF-"));
        const qsizetype pages = pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") + pdf.count("/Type /Page ")
                                + pdf.count("/Type /Page/") + pdf.count("/Type /Page>");
        QVERIFY2(pages >= 1, qPrintable(QString::number(pages)));
        break;
    }
    case VerifyPage::ReportFormat::Json: {
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(readAll(path), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject rows = json.value(QStringLiteral("rows")).toObject();
        QCOMPARE(rows.value(QStringLiteral("read")).toInteger(), counts.read);
        QCOMPARE(rows.value(QStringLiteral("accepted")).toInteger(), counts.accepted);
        QCOMPARE(rows.value(QStringLiteral("read")).toInteger(),
                 rows.value(QStringLiteral("accepted")).toInteger() + rows.value(QStringLiteral("duplicatesIdentical")).toInteger()
                     + rows.value(QStringLiteral("duplicatesConflicting")).toInteger()
                     + rows.value(QStringLiteral("quarantined")).toInteger());
        QCOMPARE(json.value(QStringLiteral("incidents")).toObject().value(QStringLiteral("incident")).toInteger(),
                 project.acceptedOfType(RecordType::Incident));
        QVERIFY(cli({QStringLiteral("--json"), m_dir.filePath(QStringLiteral("reports/cli.json"))}));
        const QJsonObject fromCli = QJsonDocument::fromJson(readAll(m_dir.filePath(QStringLiteral("reports/cli.json")))).object();
        QCOMPARE(json.value(QStringLiteral("rows")), fromCli.value(QStringLiteral("rows")));
        QCOMPARE(json.value(QStringLiteral("incidents")), fromCli.value(QStringLiteral("incidents")));
        QCOMPARE(json.value(QStringLiteral("students")).toArray().size(), fromCli.value(QStringLiteral("students")).toArray().size());
        // the Commit and the Verify of this wizard, for the auditor: one entry, as the CLI's report has it
        const QJsonArray applied = json.value(u"applied"_s).toArray();
        QCOMPARE(applied.size(), 1);
        QCOMPARE(json.value(u"applied"_s), fromCli.value(u"applied"_s));
        const QJsonObject a = applied.first().toObject();
        const ApplyResult &r = *m_window->database()->applied();
        QCOMPARE(a.value(u"runId"_s).toString(), r.runId);
        QCOMPARE(a.value(u"database"_s).toString(), u"tracktally_sandbox"_s);
        QCOMPARE(a.value(u"systemIdentifier"_s).toString(), m_window->database()->identity()->systemIdentifier);
        QCOMPARE(a.value(u"inserted"_s).toObject().value(u"Incident"_s).toInteger(), r.insertedIncidents);
        QCOMPARE(a.value(u"backup"_s).toObject().value(u"path"_s).toString(), r.backup.file);
        QCOMPARE(a.value(u"backup"_s).toObject().value(u"sha256"_s).toString(), sha256OfFile(r.backup.file));
        QVERIFY(a.value(u"verified"_s).toObject().value(u"ok"_s).toBool());
        QVERIFY(a.value(u"questions"_s).toObject().value(u"acceptedSuggestions"_s).toInt() >= 1); // Accept every suggestion
        break;
    }
    case VerifyPage::ReportFormat::Csv: {
        const QString cliDir = m_dir.filePath(QStringLiteral("reports/cli-csv"));
        QVERIFY(cli({QStringLiteral("--csv-dir"), cliDir}));
        for (const QString &file : {QStringLiteral("teachers.csv"), QStringLiteral("classrooms.csv"),
                                    QStringLiteral("students.csv"), QStringLiteral("quarantine.csv")}) {
            QVERIFY2(QFile::exists(QDir(path).filePath(file)), qPrintable(file));
            const QByteArray ours = readAll(QDir(path).filePath(file));
            const QByteArray theirs = readAll(QDir(cliDir).filePath(file));
            QCOMPARE(ours.count("\r\n"), theirs.count("\r\n")); // same row count
            QVERIFY2(ours.count("\r\n") >= 1, qPrintable(file)); // at least the header
        }
        QCOMPARE(readAll(QDir(path).filePath(QStringLiteral("students.csv"))).count("\r\n") - 1,
                 qsizetype(m_window->roster()->roster().students.size()));
        break;
    }
    }
}

void tst_WizardDatabase::commitAgainInsertsNothing()
{
    QTest::mouseClick(find<QAbstractButton>(QStringLiteral("backButton")), Qt::LeftButton);
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::CommitStep));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("commitButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isBusy(), 120000);
    QVERIFY(m_window->database()->applied().has_value());
    QCOMPARE(m_window->database()->applied()->insertedIncidents, qint64(0));
}

void tst_WizardDatabase::cleanupTestCase()
{
    m_window.reset();
    if (m_sandbox)
        m_sandbox->stop();
    QSettings().clear();
}

QTEST_MAIN(tst_WizardDatabase)
#include "tst_wizarddatabase.moc"
