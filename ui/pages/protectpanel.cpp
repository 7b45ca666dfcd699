#include "protectpanel.h"

#include "session/protectsession.h"
#include "theme.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace tt::ui {

namespace {

QPushButton *chooseButton(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *b = new QPushButton(QObject::tr("Choose…"), parent);
    b->setObjectName(name);
    b->setAccessibleName(accessible);
    return b;
}

QLabel *hint(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setWordWrap(true);
    theme::setHint(l);
    return l;
}

} // namespace

ProtectPanel::ProtectPanel(ProtectSession *session, QWidget *parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("protectPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildDatabaseBox());
    layout->addWidget(buildJobsBox());
    layout->addWidget(buildResultBox(), 1);

    connect(m_session, &ProtectSession::busyChanged, this, &ProtectPanel::showBusy);
    connect(m_session, &ProtectSession::finished, this, &ProtectPanel::showOutcome);
    connect(m_session, &ProtectSession::progress, this, [this](const QString &phase, qint64 done, qint64 total) {
        m_phase->setText(phase);
        if (total > 0) {
            // QProgressBar holds an int: scale bytes and rows to per mille.
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
        } else {
            m_progress->setRange(0, 0);
        }
    });
    showBusy(false);
}

// The database and where backups and reports go.
QWidget *ProtectPanel::buildDatabaseBox()
{
    auto *box = new QGroupBox(tr("The database to protect"), this);
    m_connection = new QLineEdit(box);
    m_connection->setObjectName(QStringLiteral("protectConnectionEdit"));
    m_connection->setAccessibleName(tr("Database connection"));
    m_connection->setPlaceholderText(tr("postgresql://owner@host/tracktally  (or a service name)"));
    auto *env = new QPushButton(tr("Read TrackTally's .env…"), box);
    env->setObjectName(QStringLiteral("protectEnvButton"));
    m_password = new QLineEdit(box);
    m_password->setObjectName(QStringLiteral("protectPasswordEdit"));
    m_password->setAccessibleName(tr("Database password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("only if it is not in the address or ~/.pgpass (never saved)"));
    m_envNote = new QLabel(box);
    m_envNote->setObjectName(QStringLiteral("protectEnvLabel"));
    m_envNote->setWordWrap(true);
    m_envNote->setTextFormat(Qt::PlainText);
    m_envNote->hide();
    m_folder = new QLineEdit(box);
    m_folder->setObjectName(QStringLiteral("protectFolderEdit"));
    m_folder->setAccessibleName(tr("Folder for backups and reports"));
    m_folder->setPlaceholderText(tr("e.g. %1").arg(QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                                       .filePath(QStringLiteral("tracktally-backups"))));
    auto *folderButton = chooseButton(box, QStringLiteral("protectFolderButton"), tr("Choose the folder for backups and reports"));

    auto *connRow = new QHBoxLayout;
    connRow->addWidget(m_connection, 1);
    connRow->addWidget(env);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(folderButton);
    auto *form = new QFormLayout(box);
    auto *connLabel = new QLabel(tr("&Connection:"), box);
    connLabel->setBuddy(m_connection);
    form->addRow(connLabel, connRow);
    form->addRow(QString(), m_envNote);
    form->addRow(tr("&Password:"), m_password);
    auto *folderLabel = new QLabel(tr("Backups and &reports folder:"), box);
    folderLabel->setBuddy(m_folder);
    form->addRow(folderLabel, folderRow);

    connect(m_connection, &QLineEdit::textChanged, m_session, &ProtectSession::setConnection);
    connect(m_password, &QLineEdit::textChanged, m_session, &ProtectSession::setPassword);
    connect(m_folder, &QLineEdit::textChanged, m_session, &ProtectSession::setFolder);
    connect(env, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("TrackTally's .env file"), QString(),
                                                          tr("Environment files (.env *.env);;All files (*)"));
        if (!path.isEmpty())
            readEnv(path);
    });
    connect(folderButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for backups and reports"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    return box;
}

void ProtectPanel::readEnv(const QString &path)
{
    const bool ok = m_session->loadEnv(path);
    if (ok) {
        // The field shows the address without its password; the session keeps the real one (memory only).
        const QSignalBlocker block(m_connection);
        m_connection->setText(m_session->connectionForDisplay());
        m_domain->setText(m_session->domain());
    }
    m_envNote->setText(m_session->envMessage());
    theme::setProblem(m_envNote, !ok);
    if (ok)
        theme::setHint(m_envNote);
    else
        m_envNote->setForegroundRole(QPalette::WindowText);
    m_envNote->show();
}

// The three jobs, each with what it does in one sentence and its own input.
QWidget *ProtectPanel::buildJobsBox()
{
    auto *box = new QGroupBox(tr("What to do"), this);
    auto *grid = new QGridLayout(box);
    m_drill = new QPushButton(tr("Run a restore &drill"), box);
    m_drill->setObjectName(QStringLiteral("runDrillButton"));
    grid->addWidget(m_drill, 0, 0);
    grid->addWidget(hint(tr("Takes a backup, restores it into a private practice database on this computer and "
                            "compares every table. Passes only when the backup really brings everything back."),
                         box),
                    0, 1, 1, 2);

    m_preflight = new QPushButton(tr("Rehearse a &migration"), box);
    m_preflight->setObjectName(QStringLiteral("runPreflightButton"));
    m_migration = new QLineEdit(box);
    m_migration->setObjectName(QStringLiteral("protectMigrationEdit"));
    m_migration->setAccessibleName(tr("Migration script"));
    m_migration->setPlaceholderText(tr("the migration script (.sql) you are about to run"));
    auto *migrationButton = chooseButton(box, QStringLiteral("protectMigrationButton"), tr("Choose the migration script"));
    grid->addWidget(m_preflight, 1, 0);
    grid->addWidget(m_migration, 1, 1);
    grid->addWidget(migrationButton, 1, 2);
    grid->addWidget(hint(tr("Runs the script on a restored copy, never on the database itself, and fails when any "
                            "existing row would be lost or changed."),
                         box),
                    2, 1, 1, 2);

    m_snapshot = new QPushButton(tr("&Snapshot the roster"), box);
    m_snapshot->setObjectName(QStringLiteral("runSnapshotButton"));
    m_domain = new QLineEdit(box);
    m_domain->setObjectName(QStringLiteral("protectDomainEdit"));
    m_domain->setAccessibleName(tr("School domain"));
    m_domain->setPlaceholderText(tr("the school's domain, e.g. wattlegrove.example.edu.au"));
    grid->addWidget(m_snapshot, 3, 0);
    grid->addWidget(m_domain, 3, 1, 1, 2);
    grid->addWidget(hint(tr("Saves the school's teachers, classrooms and students as CSV files (readable by you "
                            "only). After a loss, \"Use a roster snapshot…\" on the Sheet exports step rebuilds "
                            "them exactly."),
                         box),
                    4, 1, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_migration, &QLineEdit::textChanged, m_session, &ProtectSession::setMigrationFile);
    connect(m_domain, &QLineEdit::textChanged, m_session, &ProtectSession::setDomain);
    connect(migrationButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Migration script to rehearse"), m_migration->text(),
                                                          tr("SQL scripts (*.sql);;All files (*)"));
        if (!path.isEmpty())
            m_migration->setText(path);
    });
    connect(m_drill, &QPushButton::clicked, this, [this] { run(int(ProtectSession::Job::Drill)); });
    connect(m_preflight, &QPushButton::clicked, this, [this] { run(int(ProtectSession::Job::Preflight)); });
    connect(m_snapshot, &QPushButton::clicked, this, [this] { run(int(ProtectSession::Job::Snapshot)); });
    return box;
}

// Progress, cancel, the verdict, the details (what the command line prints) and where the report was saved.
QWidget *ProtectPanel::buildResultBox()
{
    auto *box = new QGroupBox(tr("Result"), this);
    m_phase = new QLabel(box);
    m_phase->setObjectName(QStringLiteral("protectPhaseLabel"));
    m_progress = new QProgressBar(box);
    m_progress->setObjectName(QStringLiteral("protectProgress"));
    m_cancel = new QPushButton(tr("Cancel"), box);
    m_cancel->setObjectName(QStringLiteral("protectCancelButton"));
    m_verdict = new QLabel(tr("Nothing has been run yet."), box);
    m_verdict->setObjectName(QStringLiteral("protectVerdictLabel"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::PlainText);
    m_details = new QPlainTextEdit(box);
    m_details->setObjectName(QStringLiteral("protectDetailsText"));
    m_details->setAccessibleName(tr("Details of the result"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_report = new QLabel(box);
    m_report->setObjectName(QStringLiteral("protectReportLabel"));
    m_report->setWordWrap(true);
    m_report->setTextFormat(Qt::RichText);
    m_report->setOpenExternalLinks(true);
    m_report->setTextInteractionFlags(Qt::TextBrowserInteraction);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_phase, 1);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(progressRow);
    layout->addWidget(m_verdict);
    layout->addWidget(m_details, 1);
    layout->addWidget(m_report);
    connect(m_cancel, &QPushButton::clicked, m_session, &ProtectSession::cancel);
    return box;
}

void ProtectPanel::run(int job)
{
    const auto j = ProtectSession::Job(job);
    const QString missing = m_session->missing(j);
    if (!missing.isEmpty()) {
        m_verdict->setText(missing);
        m_verdict->setStyleSheet(QStringLiteral("color: #a00000;"));
        return;
    }
    if (!m_session->start(j))
        return;
    m_verdict->setText(tr("%1 is running…").arg(ProtectSession::title(j)));
    m_verdict->setStyleSheet(QString());
    m_details->clear();
    m_report->clear();
}

void ProtectPanel::showBusy(bool busy)
{
    for (QWidget *w : {static_cast<QWidget *>(m_drill), static_cast<QWidget *>(m_preflight),
                       static_cast<QWidget *>(m_snapshot), static_cast<QWidget *>(m_connection),
                       static_cast<QWidget *>(m_folder)})
        w->setEnabled(!busy);
    m_cancel->setVisible(busy);
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    m_phase->setVisible(busy);
    if (busy)
        m_progress->setRange(0, 0);
}

void ProtectPanel::showOutcome()
{
    const auto &o = m_session->outcome();
    if (!o)
        return;
    m_verdict->setText(o->verdict);
    QFont f = m_verdict->font();
    f.setBold(true);
    m_verdict->setFont(f);
    m_verdict->setStyleSheet(o->cancelled ? QString()
                                          : o->passed ? QStringLiteral("color: #146c2e;") : QStringLiteral("color: #a00000;"));
    m_details->setPlainText(o->text);
    if (o->reportJson.isEmpty()) {
        m_report->clear();
        return;
    }
    QString text = tr("Report saved: <a href=\"%1\">%2</a> and <a href=\"%3\">%4</a>")
                       .arg(QUrl::fromLocalFile(o->reportText).toString(), o->reportText.toHtmlEscaped(),
                            QUrl::fromLocalFile(o->reportJson).toString(), QFileInfo(o->reportJson).fileName().toHtmlEscaped());
    if (!o->snapshotDir.isEmpty())
        text += QStringLiteral("<br>") + tr("Snapshot folder: <a href=\"%1\">%2</a>")
                                               .arg(QUrl::fromLocalFile(o->snapshotDir).toString(), o->snapshotDir.toHtmlEscaped());
    m_report->setText(text);
}

} // namespace tt::ui
