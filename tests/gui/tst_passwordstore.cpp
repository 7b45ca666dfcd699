// The database password in the OS password store (QtKeychain over a REAL Secret Service: gnome-keyring in a
// private D-Bus session, see with-keyring.sh), driven through the Target database page against a sandbox
// PostgreSQL where one role must log in with a password (scram-sha-256 in pg_hba.conf): remember after a
// successful connection, read back by a fresh page, Forget, and never in the project file or QSettings.
// Run a second time without any D-Bus session (TT_PASSWORD_STORE=none): the page says there is no store.
#include "database/sandbox.h"
#include "dbtestsupport.h"
#include "pages/databasepages.h"
#include "passwordstore.h"
#include "session/databasesession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QApplication>
#include <QCheckBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace tt;
using namespace tt::ui;

namespace {
const QString kRole = QStringLiteral("tt_pw_admin");
const QString kPassword = QStringLiteral("Wattle-Gr0ve 'quoted' \\ pass");

// One page over its own sessions, as the wizard builds them: "a fresh page" is a new Fixture.
struct Fixture
{
    explicit Fixture(const QString &projectPath, bool create)
    {
        if (create)
            session.newProject(projectPath, SchoolInfo{QStringLiteral("Wattle Grove Primary"),
                                                       QStringLiteral("wattlegrove.example.edu.au"),
                                                       QStringLiteral("Australia/Sydney")});
        else
            session.openProject(projectPath);
        page.resize(900, 600);
        page.show();
    }
    template<typename T> T *find(const QString &name) const { return page.findChild<T *>(name); }

    RecoverySession session;
    RosterSession roster{&session};
    DatabaseSession db{&session, &roster};
    DatabasePage page{&session, &db};
};

// What the Secret Service itself holds for our service and key (independent of QtKeychain's read path).
QString secretToolLookup(const QString &key)
{
    QProcess p;
    p.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), PasswordStore::service(),
                                             QStringLiteral("user"), key});
    if (!p.waitForFinished(10000))
        return QStringLiteral("<secret-tool did not answer>");
    return QString::fromUtf8(p.readAllStandardOutput());
}

// Every file under dir that contains needle (as UTF-8 bytes).
QStringList filesContaining(const QString &dir, const QString &needle)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle.toUtf8()))
            hits << f.fileName();
    }
    return hits;
}
} // namespace

class tst_PasswordStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void keyFor_data();
    void keyFor();
    void wrongPasswordIsRefusedByTheServer();
    void rememberedAfterConnecting();
    void readBackByAFreshPage();
    void neverInTheProjectOrSettings();
    void forget();
    void noPasswordStore();
    void cleanupTestCase();

private:
    bool withKeyring() const { return qEnvironmentVariable("TT_PASSWORD_STORE") == QLatin1String("keyring"); }
    QString url(const QString &password = QString()) const
    {
        return QStringLiteral("postgresql://%1%2@/tracktally_sandbox?host=%3&port=%4")
            .arg(kRole, password.isEmpty() ? QString() : u':' + QString::fromUtf8(QUrl::toPercentEncoding(password)),
                 m_sandbox->socketDir())
            .arg(m_sandbox->port());
    }
    QString key() const { return PasswordStore::keyFor(url()); }
    QString projectPath() const { return m_dir.filePath(QStringLiteral("project/p.ttproj")); }

    QTemporaryDir m_dir;
    std::optional<Sandbox> m_sandbox;
};

void tst_PasswordStore::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_passwordstore"));
    QSettings().clear();
    const QString mode = qEnvironmentVariable("TT_PASSWORD_STORE");
    QVERIFY2(mode == QLatin1String("keyring") || mode == QLatin1String("none"),
             "run through ctest: TT_PASSWORD_STORE=keyring (inside with-keyring.sh) or none");
    if (withKeyring())
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "no D-Bus session: run inside with-keyring.sh");
    QVERIFY2(!Sandbox::findPostgresBinDir().isEmpty(), "PostgreSQL server binaries are not installed (script/deps)");
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("project"))));
    m_sandbox = Sandbox::start(m_dir.filePath(QStringLiteral("sandbox")));

    // One role that must give a password: scram-sha-256 over the socket for it, trust for the others.
    const QString sqlPassword = QString(kPassword).replace(u'\'', QStringLiteral("''"));
    test::execSql(m_sandbox->url(), QStringLiteral("SET password_encryption = 'scram-sha-256'; "
                                                   "CREATE ROLE %1 LOGIN SUPERUSER PASSWORD '%2'")
                                        .arg(kRole, sqlPassword));
    QFile hba(m_sandbox->dataDir() + QStringLiteral("/pg_hba.conf"));
    QVERIFY2(hba.open(QIODevice::ReadWrite), qPrintable(hba.errorString()));
    const QByteArray rules = "local all " + kRole.toUtf8() + " scram-sha-256\n" + hba.readAll();
    QVERIFY(hba.resize(0) && hba.seek(0) && hba.write(rules) == rules.size());
    hba.close();
    QCOMPARE(test::queryValue(m_sandbox->url(), QStringLiteral("SELECT pg_reload_conf()")), QStringLiteral("t"));
}

void tst_PasswordStore::keyFor_data()
{
    QTest::addColumn<QString>("connection");
    QTest::addColumn<QString>("key");
    QTest::newRow("url-with-password") << QStringLiteral("postgresql://admin:s3cret@db.example.org:6543/tracktally")
                                       << QStringLiteral("admin@db.example.org:6543/tracktally");
    QTest::newRow("url-default-port") << QStringLiteral("postgres://admin@db.example.org/tracktally")
                                      << QStringLiteral("admin@db.example.org:5432/tracktally");
    QTest::newRow("conninfo-with-password") << QStringLiteral("host=10.0.0.5 user=ops password='x y' dbname=tt port=5433")
                                            << QStringLiteral("ops@10.0.0.5:5433/tt");
    QTest::newRow("socket-in-query") << QStringLiteral("postgresql://tracktally@/tracktally_sandbox?host=/tmp/s&port=5555")
                                     << QStringLiteral("tracktally@/tmp/s:5555/tracktally_sandbox");
    QTest::newRow("garbage") << QStringLiteral("not a connection!") << QString();
}

void tst_PasswordStore::keyFor()
{
    QFETCH(QString, connection);
    QFETCH(QString, key);
    QCOMPARE(PasswordStore::keyFor(connection), key);
}

void tst_PasswordStore::wrongPasswordIsRefusedByTheServer()
{
    // Proves the password really reaches libpq: the server checks it (a trust login would ignore it).
    Fixture f(projectPath(), true);
    QSignalSpy failed(&f.session, &RecoverySession::taskFailed);
    f.find<QLineEdit>(QStringLiteral("connectionEdit"))->setText(url());
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("passwordEdit")), QStringLiteral("not-the-password"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
    const QString message = failed.at(0).at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("password authentication failed")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("not-the-password")), qPrintable(message));
    QVERIFY(!f.db.isConnected());
    f.session.saveNow();
}

void tst_PasswordStore::rememberedAfterConnecting()
{
    if (!withKeyring())
        QSKIP("needs the Secret Service (runs as tst_passwordstore_keyring)");
    Fixture f(projectPath(), false);
    auto *status = f.find<QLabel>(QStringLiteral("passwordStatus"));
    QVERIFY(!f.find<QCheckBox>(QStringLiteral("rememberPasswordCheck"))->isChecked()); // off by default
    QVERIFY(!f.find<QPushButton>(QStringLiteral("forgetPasswordButton"))->isEnabled());
    auto *connection = f.find<QLineEdit>(QStringLiteral("connectionEdit"));
    connection->setText(url());
    auto *password = f.find<QLineEdit>(QStringLiteral("passwordEdit"));
    QCOMPARE(password->echoMode(), QLineEdit::Password);
    password->clear();
    QTest::keyClicks(password, kPassword);
    f.find<QCheckBox>(QStringLiteral("rememberPasswordCheck"))->setChecked(true);
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.db.isConnected(), 30000);
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("saved in this computer's password store")),
                              qPrintable(status->text()), 15000);
    QVERIFY(f.find<QPushButton>(QStringLiteral("forgetPasswordButton"))->isEnabled());
    QCOMPARE(secretToolLookup(key()), kPassword);
    QVERIFY(f.session.saveNow());
    f.page.grab().save(QStringLiteral("/tmp/gui-database-password.png"));
}

void tst_PasswordStore::readBackByAFreshPage()
{
    if (!withKeyring())
        QSKIP("needs the Secret Service (runs as tst_passwordstore_keyring)");
    Fixture f(projectPath(), false);
    QCOMPARE(f.db.connection(), url()); // the project kept the connection (it has no password in it)
    QVERIFY(!f.db.hasPassword());
    f.page.initializePage();
    auto *password = f.find<QLineEdit>(QStringLiteral("passwordEdit"));
    QTRY_COMPARE_WITH_TIMEOUT(password->text(), kPassword, 15000);
    QVERIFY(f.db.hasPassword());
    QVERIFY(f.find<QLabel>(QStringLiteral("passwordStatus"))->text().contains(QStringLiteral("from this computer's password store")));
    QVERIFY(f.find<QCheckBox>(QStringLiteral("rememberPasswordCheck"))->isChecked());
    QVERIFY(f.find<QPushButton>(QStringLiteral("forgetPasswordButton"))->isEnabled());
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.db.isConnected(), 30000);
    f.page.grab().save(QStringLiteral("/tmp/gui-database-password-stored.png"));
}

void tst_PasswordStore::neverInTheProjectOrSettings()
{
    QSettings().sync();
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    QVERIFY(!config.isEmpty());
    QCOMPARE(filesContaining(config, kPassword), QStringList());
    QCOMPARE(filesContaining(m_dir.filePath(QStringLiteral("project")), kPassword), QStringList());
    QVERIFY(QFile::exists(projectPath()));
    QFile project(projectPath());
    QVERIFY(project.open(QIODevice::ReadOnly));
    QVERIFY(!project.readAll().contains("password"));
}

void tst_PasswordStore::forget()
{
    if (!withKeyring())
        QSKIP("needs the Secret Service (runs as tst_passwordstore_keyring)");
    {
        Fixture f(projectPath(), false);
        f.page.initializePage();
        auto *forgetButton = f.find<QPushButton>(QStringLiteral("forgetPasswordButton"));
        QTRY_VERIFY_WITH_TIMEOUT(forgetButton->isEnabled(), 15000);
        QTest::mouseClick(forgetButton, Qt::LeftButton);
        auto *status = f.find<QLabel>(QStringLiteral("passwordStatus"));
        QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("removed")), qPrintable(status->text()), 15000);
        QVERIFY(!forgetButton->isEnabled());
        QVERIFY(!f.find<QCheckBox>(QStringLiteral("rememberPasswordCheck"))->isChecked());
    }
    QCOMPARE(secretToolLookup(key()), QString());
    PasswordStore store;
    QSignalSpy read(&store, &PasswordStore::readFinished);
    store.read(key());
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 15000);
    QCOMPARE(read.at(0).at(2).value<PasswordStore::Result>(), PasswordStore::Result::NotFound);
    QCOMPARE(read.at(0).at(1).toString(), QString());
}

void tst_PasswordStore::noPasswordStore()
{
    if (withKeyring())
        QSKIP("needs no D-Bus session (runs as tst_passwordstore)");
    Fixture f(projectPath(), false);
    auto *status = f.find<QLabel>(QStringLiteral("passwordStatus"));
    f.find<QLineEdit>(QStringLiteral("connectionEdit"))->setText(url());
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("passwordEdit")), kPassword);
    f.find<QCheckBox>(QStringLiteral("rememberPasswordCheck"))->setChecked(true);
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.db.isConnected(), 30000); // the password is used for the session all the same
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), PasswordStore::noStoreMessage(), 30000);
    QVERIFY(!f.find<QPushButton>(QStringLiteral("forgetPasswordButton"))->isEnabled());
    QVERIFY(!f.find<QCheckBox>(QStringLiteral("rememberPasswordCheck"))->isChecked()); // nothing was remembered
    f.page.grab().save(QStringLiteral("/tmp/gui-database-no-store.png"));
    QVERIFY(f.session.saveNow());
    // nothing written anywhere instead (no insecure fallback)
    QSettings().sync();
    QCOMPARE(filesContaining(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation), kPassword), QStringList());
    QCOMPARE(filesContaining(m_dir.filePath(QStringLiteral("project")), kPassword), QStringList());
}

void tst_PasswordStore::cleanupTestCase()
{
    if (m_sandbox)
        m_sandbox->stop();
    QSettings().clear();
}

QTEST_MAIN(tst_PasswordStore)
#include "tst_passwordstore.moc"
