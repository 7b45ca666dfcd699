// "Start from TrackTally's .env" on the wizard's first page, driven offscreen by objectName: a generated .env in
// TrackTally's layout (a fresh RSA key with literal \n, CRLF, a malformed line) fills the domain, shows each part
// for confirmation (secrets redacted) and the malformed line with its number; creating the project keeps the
// file's path and the administrators, hands DIRECT_DATABASE_URL to the Target database step, and reads the sheet
// from the fake Sheets server, which verifies the JWT signed with the .env's key.
#include "envfixture.h"
#include "fakesheetsserver.h"
#include "fixturegenerator.h"
#include "valuesfixture.h"
#include "pages/projectpage.h"
#include "roster/rosterproject.h"
#include "session/databasesession.h"
#include "session/envsetupsession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::test;

class tst_EnvWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void fillsThePageAndTheProject();
    void unconfirmedPartsAreNotUsed();
    void unreadableFile();

private:
    template<class T> T *find(const QString &name) const
    {
        T *w = m_page->findChild<T *>(name);
        if (!w)
            qFatal("no widget %s", qPrintable(name));
        return w;
    }
    QListWidgetItem *part(EnvSetupSession::Part p) const;
    void readEnv(const QString &path);

    QTemporaryDir m_dir;
    FakeSheetsServer m_server;
    School m_school;
    ExportResult m_inc, m_com;
    EnvFixture m_env;
    QString m_envPath;
    std::unique_ptr<RecoverySession> m_session;
    std::unique_ptr<RosterSession> m_roster;
    std::unique_ptr<DatabaseSession> m_database;
    std::unique_ptr<EnvSetupSession> m_setup;
    std::unique_ptr<ui::ProjectPage> m_page;
};

void tst_EnvWizard::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(u"settings"_qs));
    QVERIFY(m_server.start());
    SchoolSpec spec;
    spec.seed = 1717;
    spec.logs = 300;
    m_school = generateSchool(spec);
    const QString xlsx = m_dir.filePath(u"workbook.xlsx"_qs);
    std::tie(m_inc, m_com) = writeWorkbook(m_school, xlsx, QuirkOptions{});
    m_env = EnvFixture::generate();
    m_env.sheetId = kSheetId;
    m_env.domain = m_school.spec.domain;
    FakeSheetsServer::Config c;
    c.spreadsheetId = kSheetId;
    c.clientEmail = m_env.clientEmail;
    c.publicKeyPem = m_env.key.publicPem;
    c.tabs.insert(u"Incidents"_qs, valuesJsonFromWorkbook(xlsx, u"Incidents"_qs));
    c.tabs.insert(u"Commendations"_qs, valuesJsonFromWorkbook(xlsx, u"Commendations"_qs));
    m_server.setConfig(c);
    // The .env as TrackTally keeps it, with one line a person mistyped (line 17).
    QByteArray text = m_env.text();
    text += "SENTRY DSN = none\r\n";
    m_envPath = m_dir.filePath(u"tracktally.env"_qs);
    QFile f(m_envPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
    qputenv("TT_GOOGLE_TOKEN_URI", m_server.tokenUrl().toUtf8()); // the fake server's token endpoint
}

void tst_EnvWizard::init()
{
    QSettings().clear();
    m_session = std::make_unique<RecoverySession>();
    m_roster = std::make_unique<RosterSession>(m_session.get());
    m_database = std::make_unique<DatabaseSession>(m_session.get(), m_roster.get());
    m_setup = std::make_unique<EnvSetupSession>(m_session.get(), m_database.get());
    m_setup->setSheetsApiBase(m_server.baseUrl());
    m_page = std::make_unique<ui::ProjectPage>(m_session.get(), m_setup.get());
    m_page->resize(1000, 800);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_server.resetStats();
}

void tst_EnvWizard::cleanup()
{
    m_session->waitForIdle();
    m_page.reset();
    m_setup.reset();
    m_database.reset();
    m_roster.reset();
    m_session.reset();
}

QListWidgetItem *tst_EnvWizard::part(EnvSetupSession::Part p) const
{
    auto *list = find<QListWidget>(u"envPartsList"_qs);
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->data(Qt::UserRole).toInt() == int(p))
            return list->item(i);
    return nullptr;
}

void tst_EnvWizard::readEnv(const QString &path)
{
    auto *file = find<QLineEdit>(u"envFileEdit"_qs);
    file->clear();
    QTest::keyClicks(file, path);
    QTest::mouseClick(find<QPushButton>(u"readEnvButton"_qs), Qt::LeftButton);
}

void tst_EnvWizard::fillsThePageAndTheProject()
{
    readEnv(m_envPath);
    QCOMPARE(find<QLineEdit>(u"domainEdit"_qs)->text(), m_school.spec.domain);
    // Each part shown for confirmation, ticked; secrets redacted.
    for (auto p : {EnvSetupSession::Domain, EnvSetupSession::Sheet, EnvSetupSession::Accounts, EnvSetupSession::Target}) {
        QListWidgetItem *item = part(p);
        QVERIFY2(item, qPrintable(QString::number(int(p))));
        QCOMPARE(item->checkState(), Qt::Checked);
        QVERIFY2(!item->text().contains(u"Pa55word"_qs), qPrintable(item->text()));
        QVERIFY(!item->text().contains(u"PRIVATE KEY"_qs));
    }
    QVERIFY(part(EnvSetupSession::Sheet)->text().contains(kSheetId));
    QVERIFY(part(EnvSetupSession::Sheet)->text().contains(m_env.clientEmail));
    QVERIFY(part(EnvSetupSession::Accounts)->text().contains(u"principal.one@wattlegrove.example.edu.au"_qs));
    QVERIFY(part(EnvSetupSession::Target)->text().contains(u"DIRECT_DATABASE_URL (line 17)"_qs));
    // The mistyped line, with its number.
    auto *problems = find<QLabel>(u"envProblemsLabel"_qs);
    QVERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(u"line 18"_qs), qPrintable(problems->text()));

    QTest::keyClicks(find<QLineEdit>(u"schoolNameEdit"_qs), m_school.spec.name);
    auto *file = find<QLineEdit>(u"projectFileEdit"_qs);
    file->clear();
    const QString projectPath = m_dir.filePath(u"from-env.ttproj"_qs);
    QTest::keyClicks(file, projectPath);
    QTest::mouseClick(find<QPushButton>(u"createProjectButton"_qs), Qt::LeftButton);
    QVERIFY(m_session->hasProject());
    m_session->waitForIdle();
    const Project &project = m_session->project();
    QCOMPARE(project.school().domain, m_school.spec.domain);
    QCOMPARE(EnvConfig::projectEnvPath(project), m_envPath);
    QCOMPARE(projectAccountLists(project).adminEmails.size(), 2);
    QCOMPARE(m_database->connection(), m_env.directUrl);
    // The sheet was read with the .env's key: the token endpoint verified its signature.
    QVERIFY2(m_server.stats().rejections.isEmpty(), qPrintable(m_server.stats().rejections.join(u'\n')));
    QCOMPARE(m_server.stats().tokensIssued, 1);
    QCOMPARE(project.counts().read, m_inc.counts.read + m_com.counts.read);
    QVERIFY(m_session->saveNow());
    QFile saved(projectPath);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray bytes = saved.readAll();
    QVERIFY(!bytes.contains("PRIVATE KEY"));
    QVERIFY(!bytes.contains("Pa55word"));
}

void tst_EnvWizard::unconfirmedPartsAreNotUsed()
{
    readEnv(m_envPath);
    part(EnvSetupSession::Sheet)->setCheckState(Qt::Unchecked);
    part(EnvSetupSession::Accounts)->setCheckState(Qt::Unchecked);
    part(EnvSetupSession::Target)->setCheckState(Qt::Unchecked);
    QVERIFY(!m_setup->isConfirmed(EnvSetupSession::Sheet));
    QTest::keyClicks(find<QLineEdit>(u"schoolNameEdit"_qs), m_school.spec.name);
    auto *file = find<QLineEdit>(u"projectFileEdit"_qs);
    file->clear();
    QTest::keyClicks(file, m_dir.filePath(u"unconfirmed.ttproj"_qs));
    QTest::mouseClick(find<QPushButton>(u"createProjectButton"_qs), Qt::LeftButton);
    QVERIFY(m_session->hasProject());
    m_session->waitForIdle();
    QCOMPARE(m_server.stats().tokenRequests, 0);
    QVERIFY(m_session->project().records().empty());
    QVERIFY(projectAccountLists(m_session->project()).isEmpty());
    QVERIFY(m_database->connection().isEmpty());
    QCOMPARE(EnvConfig::projectEnvPath(m_session->project()), m_envPath);
}

void tst_EnvWizard::unreadableFile()
{
    readEnv(m_dir.filePath(u"missing.env"_qs));
    auto *problems = find<QLabel>(u"envProblemsLabel"_qs);
    QVERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(u"missing.env"_qs), qPrintable(problems->text()));
    QVERIFY(!find<QListWidget>(u"envPartsList"_qs)->isVisible());
    QVERIFY(find<QLineEdit>(u"domainEdit"_qs)->text().isEmpty());
}

QTEST_MAIN(tst_EnvWizard)
#include "tst_envwizard.moc"
