// The Sources page's "From Google Sheets" dialog: the choice between a service-account key and "Sign in with
// Google", driven offscreen against the fake server. The "browser" is a QDesktopServices URL handler that GETs
// the sign-in address (following the redirect to the loopback listener), as a real browser would.
#include "fakesheetsserver.h"
#include "fixturegenerator.h"
#include "valuesfixture.h"

#include "pages/sourcespage.h"
#include "session/recoverysession.h"
#include "session/sourcessession.h"
#include "import/sheetsimport.h"
#include "sheets/sheetsapi.h"
#include "sheets/usersignin.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <nlohmann/json.hpp>

using namespace tt;
using namespace tt::test;

namespace {

QString shotDir()
{
    const QString d = qEnvironmentVariable("TT_SCREENSHOT_DIR");
    return d.isEmpty() ? u"/tmp"_qs : d;
}

} // namespace

class tst_SheetsApiDialog : public QObject
{
    Q_OBJECT
public slots:
    // The desktop's "open this address": our test browser.
    void openUrl(const QUrl &url)
    {
        m_opened << url;
        if (!m_browse)
            return;
        QTimer::singleShot(m_browseDelayMs, this, [this, url] {
            QNetworkReply *r = m_browser.get(QNetworkRequest(url));
            connect(r, &QNetworkReply::finished, r, &QObject::deleteLater);
        });
    }

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void signInNotOfferedWithoutClient();
    void signInReadsTheSheet();
    void signInCancelled();

private:
    // Opens the dialog from the page's button and runs act on it (inside the dialog's own event loop).
    void withDialog(const std::function<void(QDialog *)> &act);

    QTemporaryDir m_dir;
    FakeSheetsServer m_server;
    School m_school;
    ExportResult m_inc, m_com;
    QString m_clientPath;
    QNetworkAccessManager m_browser;
    QList<QUrl> m_opened;
    bool m_browse = true;
    int m_browseDelayMs = 0;
    std::unique_ptr<RecoverySession> m_session;
    std::unique_ptr<SourcesSession> m_sources;
    std::unique_ptr<ui::SourcesPage> m_page;
};

void tst_SheetsApiDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(u"settings"_qs));
    QVERIFY(m_server.start());
    // Google credentials go to a server on this computer only when the environment names it.
    qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8());
    m_browser.setProxy(QNetworkProxy::NoProxy);
    QDesktopServices::setUrlHandler(u"http"_qs, this, "openUrl");
    SchoolSpec spec;
    spec.seed = 777;
    spec.logs = 300;
    m_school = generateSchool(spec);
    const QString xlsx = m_dir.filePath(u"workbook.xlsx"_qs);
    std::tie(m_inc, m_com) = writeWorkbook(m_school, xlsx, QuirkOptions{});
    FakeSheetsServer::Config c;
    c.spreadsheetId = kSheetId;
    c.tabs.insert(u"Incidents"_qs, valuesJsonFromWorkbook(xlsx, u"Incidents"_qs));
    c.tabs.insert(u"Commendations"_qs, valuesJsonFromWorkbook(xlsx, u"Commendations"_qs));
    nlohmann::json client = nlohmann::json::parse(readAll(dataDir() + u"test-oauth-client.json"_qs).toStdString());
    c.oauthClientId = QString::fromStdString(client["installed"]["client_id"].get<std::string>());
    c.oauthClientSecret = QString::fromStdString(client["installed"]["client_secret"].get<std::string>());
    m_server.setConfig(c);
    client["installed"]["auth_uri"] = m_server.authUrl().toStdString();
    client["installed"]["token_uri"] = m_server.tokenUrl().toStdString();
    m_clientPath = m_dir.filePath(u"client.json"_qs);
    QFile f(m_clientPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(client.dump(2)));
}

void tst_SheetsApiDialog::init()
{
    qunsetenv("TT_GOOGLE_CLIENT_FILE");
    QSettings().clear();
    m_opened.clear();
    m_browse = true;
    m_browseDelayMs = 0;
    m_session = std::make_unique<RecoverySession>();
    m_session->newProject(m_dir.filePath(u"%1.ttproj"_qs.arg(QString::fromLatin1(QTest::currentTestFunction()))),
                          SchoolInfo{m_school.spec.name, m_school.spec.domain, m_school.spec.timeZone});
    // The fetch goes to the fake server: the API address is a project setting.
    SheetsApiSettings s;
    s.apiBase = m_server.baseUrl();
    s.saveTo(m_session->editableProject());
    m_sources = std::make_unique<SourcesSession>(m_session.get());
    m_page = std::make_unique<ui::SourcesPage>(m_session.get(), m_sources.get());
    m_page->resize(1000, 700);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void tst_SheetsApiDialog::cleanup()
{
    m_page.reset();
    m_sources.reset();
    m_session.reset();
    qunsetenv("TT_GOOGLE_CLIENT_FILE");
}

void tst_SheetsApiDialog::withDialog(const std::function<void(QDialog *)> &act)
{
    bool ran = false;
    auto *timer = new QTimer(this);
    timer->setInterval(20);
    connect(timer, &QTimer::timeout, this, [&ran, act, timer] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog || dialog->objectName() != u"googleSheetDialog")
            return;
        timer->stop();
        timer->deleteLater();
        act(dialog);
        ran = true;
        if (dialog->isVisible())
            dialog->reject();
    });
    timer->start();
    QTest::mouseClick(m_page->findChild<QPushButton *>(u"addGoogleSheetButton"_qs), Qt::LeftButton);
    QVERIFY(ran);
}

void tst_SheetsApiDialog::signInNotOfferedWithoutClient()
{
    QString tooltip;
    bool enabled = true, keyChosen = false;
    withDialog([&](QDialog *d) {
        auto *signIn = d->findChild<QRadioButton *>(u"signInRadio"_qs);
        enabled = signIn->isEnabled();
        tooltip = signIn->toolTip();
        keyChosen = d->findChild<QRadioButton *>(u"serviceAccountRadio"_qs)->isChecked();
        d->grab().save(u"%1/sheetsapi-dialog-no-client.png"_qs.arg(shotDir()));
        // Choosing a client file offers the sign-in.
        d->findChild<QLineEdit *>(u"oauthClientEdit"_qs)->setText(m_clientPath);
        QVERIFY(signIn->isEnabled());
        QVERIFY(signIn->isChecked()); // no key file yet: the usable choice is picked
        QVERIFY(!d->findChild<QLineEdit *>(u"keyFileEdit"_qs)->isEnabled());
    });
    QVERIFY(!enabled);
    QVERIFY(keyChosen);
    QVERIFY2(tooltip.contains(u"not set up on this computer"_qs) && tooltip.contains(u"TT_GOOGLE_CLIENT_FILE"_qs),
             qPrintable(tooltip));
    QCOMPARE(m_opened.size(), 0);
}

void tst_SheetsApiDialog::signInReadsTheSheet()
{
    qputenv("TT_GOOGLE_CLIENT_FILE", m_clientPath.toLocal8Bit());
    m_browseDelayMs = 400; // the person takes a moment in the browser: the dialog shows it is waiting
    QString waiting;
    bool okDisabledWhileWaiting = false, cancelShown = false, accepted = false;
    withDialog([&](QDialog *d) {
        QVERIFY(d->findChild<QRadioButton *>(u"signInRadio"_qs)->isEnabled());
        QVERIFY(d->findChild<QRadioButton *>(u"signInRadio"_qs)->isChecked());
        QCOMPARE(d->findChild<QLineEdit *>(u"oauthClientEdit"_qs)->text(), m_clientPath);
        d->findChild<QLineEdit *>(u"spreadsheetEdit"_qs)
            ->setText(u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit"_qs);
        QTest::mouseClick(d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        auto *status = d->findChild<QLabel *>(u"signInStatusLabel"_qs);
        QVERIFY(QTest::qWaitFor([status] { return status->text().contains(u"Waiting"_qs); }, 2000));
        waiting = status->text();
        okDisabledWhileWaiting = !d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled();
        cancelShown = d->findChild<QPushButton *>(u"cancelSignInButton"_qs)->isVisible();
        d->grab().save(u"%1/sheetsapi-dialog-waiting.png"_qs.arg(shotDir()));
        // The GUI stays responsive while waiting (no blocking call): the browser's redirect arrives here.
        accepted = QTest::qWaitFor([d] { return !d->isVisible(); }, 10000);
    });
    QVERIFY2(waiting.contains(u"Waiting for you to sign in in your web browser"_qs), qPrintable(waiting));
    QVERIFY(okDisabledWhileWaiting);
    QVERIFY(cancelShown);
    QVERIFY(accepted);
    QCOMPARE(m_opened.size(), 1);
    m_session->waitForIdle();
    QCOMPARE(m_session->project().counts().read, m_inc.counts.read + m_com.counts.read);
    QCOMPARE(m_sources->sourceCount(), 2);
    QCOMPARE(m_sources->lastOAuthClientFile(), QFileInfo(m_clientPath).absoluteFilePath());
    QVERIFY(QSettings().value(u"googleSignIn/clientFile"_qs).toString().isEmpty()); // from the environment
    m_page->grab().save(u"%1/sheetsapi-sources-after-signin.png"_qs.arg(shotDir()));
}

void tst_SheetsApiDialog::signInCancelled()
{
    qputenv("TT_GOOGLE_CLIENT_FILE", m_clientPath.toLocal8Bit());
    m_browse = false; // nobody signs in
    QString after;
    bool okEnabledAgain = false;
    withDialog([&](QDialog *d) {
        d->findChild<QLineEdit *>(u"spreadsheetEdit"_qs)->setText(kSheetId);
        QTest::mouseClick(d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        auto *status = d->findChild<QLabel *>(u"signInStatusLabel"_qs);
        QVERIFY(QTest::qWaitFor([status] { return status->text().contains(u"Waiting"_qs); }, 2000));
        QTest::mouseClick(d->findChild<QPushButton *>(u"cancelSignInButton"_qs), Qt::LeftButton);
        after = status->text();
        okEnabledAgain = d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled();
        d->grab().save(u"%1/sheetsapi-dialog-cancelled.png"_qs.arg(shotDir()));
    });
    QVERIFY2(after.contains(u"Sign-in cancelled"_qs), qPrintable(after));
    QVERIFY(okEnabledAgain);
    QCOMPARE(m_opened.size(), 1);
    QCOMPARE(m_sources->sourceCount(), 0);
}

QTEST_MAIN(tst_SheetsApiDialog)
#include "tst_sheetsapidialog.moc"
