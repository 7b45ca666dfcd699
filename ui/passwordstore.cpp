#include "passwordstore.h"

#include "database/connectionspec.h"

#include <QCoreApplication>
#include <qt6keychain/keychain.h>

namespace tt::ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::ui::PasswordStore", text);
}

QString orEnv(const QString &value, const char *variable, const QString &fallback)
{
    if (!value.isEmpty())
        return value;
    const QString env = qEnvironmentVariable(variable);
    return env.isEmpty() ? fallback : env;
}

// Applies the settings every job shares: our service, the key, no plain-text fallback, deleted when done.
template<typename JobT> JobT *makeJob(QObject *parent, const QString &key)
{
    auto *job = new JobT(PasswordStore::service(), parent);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    return job;
}

// QtKeychain's outcome in our terms, and a sentence for the administrator when it failed.
PasswordStore::Result classify(const QKeychain::Job *job, QString *message)
{
    switch (job->error()) {
    case QKeychain::NoError:
        return PasswordStore::Result::Ok;
    case QKeychain::EntryNotFound:
        return PasswordStore::Result::NotFound;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        *message = PasswordStore::noStoreMessage();
        return PasswordStore::Result::NoStore;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        *message = tr("This computer's password store refused access (%1). The password is used for this session only.")
                       .arg(redactSecrets(job->errorString()));
        return PasswordStore::Result::Failed;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    // Without a D-Bus session (a server, a remote shell) the Secret Service cannot be reached at all.
    const QString detail = job->errorString();
    if (detail.contains(QLatin1String("org.freedesktop.DBus"), Qt::CaseInsensitive)
        || detail.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive)
        || detail.contains(QLatin1String("DBus"), Qt::CaseInsensitive)
        || detail.contains(QLatin1String("Could not connect"), Qt::CaseInsensitive) // GDBus: no session bus
        || detail.contains(QLatin1String("autolaunch"), Qt::CaseInsensitive)      // no bus and no X11 display
        || detail.contains(QLatin1String("secrets"), Qt::CaseInsensitive)) {
        *message = PasswordStore::noStoreMessage();
        return PasswordStore::Result::NoStore;
    }
    *message = tr("This computer's password store did not work (%1). The password is used for this session only.")
                   .arg(redactSecrets(detail));
    return PasswordStore::Result::Failed;
}

} // namespace

PasswordStore::PasswordStore(QObject *parent) : QObject(parent) {}

QString PasswordStore::service()
{
    return QStringLiteral("TrackTally Recovery");
}

QString PasswordStore::noStoreMessage()
{
    return tr("This computer has no password store available; the password is used for this session only.");
}

QString PasswordStore::keyFor(const QString &connection)
{
    ConnectionSpec spec;
    try {
        spec = ConnectionSpec::parse(connection);
    } catch (const std::exception &) {
        return {};
    }
    const QString user = orEnv(spec.value(QStringLiteral("user")), "PGUSER", qEnvironmentVariable("USER"));
    QString host = spec.host();
    if (host.isEmpty() && spec.has(QStringLiteral("service")))
        host = QStringLiteral("service:") + spec.value(QStringLiteral("service"));
    host = orEnv(host, "PGHOST", QStringLiteral("localhost"));
    const QString port = orEnv(spec.value(QStringLiteral("port")), "PGPORT", QStringLiteral("5432"));
    const QString database = orEnv(spec.database(), "PGDATABASE", user);
    return user + u'@' + host + u':' + port + u'/' + database;
}

void PasswordStore::read(const QString &key)
{
    auto *job = makeJob<QKeychain::ReadPasswordJob>(this, key);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *j) {
        QString message;
        const Result result = classify(j, &message);
        const QString password = result == Result::Ok ? static_cast<QKeychain::ReadPasswordJob *>(j)->textData() : QString();
        emit readFinished(key, password, result, message);
    });
    job->start();
}

void PasswordStore::write(const QString &key, const QString &password)
{
    auto *job = makeJob<QKeychain::WritePasswordJob>(this, key);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *j) {
        QString message;
        const Result result = classify(j, &message);
        emit writeFinished(key, result, message);
    });
    job->start();
}

void PasswordStore::forget(const QString &key)
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(this, key);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *j) {
        QString message;
        const Result result = classify(j, &message);
        emit forgetFinished(key, result, message);
    });
    job->start();
}

} // namespace tt::ui
