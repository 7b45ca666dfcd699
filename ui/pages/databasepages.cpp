#include "databasepages.h"

#include "report/htmlreport.h"
#include "roster/rosterproject.h"
#include "session/databasesession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace tt::ui {

namespace {
QString pre(const QString &text)
{
    return QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>").arg(text.toHtmlEscaped());
}
QTextBrowser *browser(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *b = new QTextBrowser(parent);
    b->setObjectName(name);
    b->setAccessibleName(accessible);
    return b;
}
} // namespace

// Target database

DatabasePage::DatabasePage(RecoverySession *session, DatabaseSession *db, QWidget *parent) : WizardPage(session, parent), m_db(db)
{
    setObjectName(QStringLiteral("databasePage"));
    setTitle(tr("Target database"));
    setSubTitle(tr("Say which TrackTally database to restore into. Nothing is written until the Commit step. "
                   "Rehearse on a private practice database (sandbox) first."));
    m_connection = new QLineEdit(this);
    m_connection->setObjectName(QStringLiteral("connectionEdit"));
    m_connection->setAccessibleName(tr("Database connection"));
    m_connection->setPlaceholderText(tr("postgresql://user@host/dbname, host=… dbname=…, or a service name"));
    auto *connectButton = new QPushButton(tr("&Connect and check"), this);
    connectButton->setObjectName(QStringLiteral("connectButton"));
    auto *sandbox = new QPushButton(tr("Use a private &practice database"), this);
    sandbox->setObjectName(QStringLiteral("sandboxButton"));
    sandbox->setToolTip(tr("Starts a PostgreSQL server on this computer only, with TrackTally's tables, to rehearse on."));
    auto *hint = new QLabel(tr("Passwords are never saved in the project: libpq reads them from PGPASSWORD, ~/.pgpass or "
                               "the service file."), this);
    hint->setWordWrap(true);
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("databaseBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("Co&nnection:"), this);
    label->setBuddy(m_connection);
    row->addWidget(label);
    row->addWidget(m_connection, 1);
    row->addWidget(connectButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(hint);
    layout->addWidget(sandbox, 0, Qt::AlignLeft);
    layout->addWidget(m_banner, 1);

    connect(m_connection, &QLineEdit::editingFinished, this, [this] { m_db->setConnection(m_connection->text()); });
    connect(connectButton, &QPushButton::clicked, this, [this] {
        m_db->setConnection(m_connection->text());
        m_db->connectToDatabase();
    });
    connect(sandbox, &QPushButton::clicked, this, [this] {
        const QString dir = QFileInfo(m_session->projectPath()).absolutePath() + QStringLiteral("/practice-database");
        m_db->startSandbox(dir);
    });
    connect(db, &DatabaseSession::changed, this, &DatabasePage::refresh);
    refresh();
}

void DatabasePage::initializePage()
{
    m_connection->setText(m_db->connection());
    refresh();
}

bool DatabasePage::isComplete() const
{
    return WizardPage::isComplete() && m_db->isConnected();
}

QString DatabasePage::attention() const
{
    if (m_db->schema() && !m_db->schema()->ok())
        return tr("Not TrackTally's schema");
    return {};
}

void DatabasePage::refresh()
{
    if (m_connection->text() != m_db->connection() && !m_connection->hasFocus())
        m_connection->setText(m_db->connection());
    if (!m_db->identity()) {
        m_banner->setText(tr("Not connected yet."));
        m_banner->setStyleSheet(QString());
    } else {
        QString text = m_db->identity()->describe();
        if (m_db->schema())
            text += QStringLiteral("\n\n") + (m_db->schema()->ok() ? tr("TrackTally's tables are all there.") : m_db->schema()->describe());
        m_banner->setText(text);
        m_banner->setStyleSheet(m_db->isConnected() ? QStringLiteral("QLabel { background: #eef4fb; border: 1px solid #b8cce4; padding: 8px; }")
                                                    : QStringLiteral("QLabel { background: #fbeeee; border: 1px solid #e4b8b8; padding: 8px; }"));
    }
    emit completeChanged();
}

// Plan

PlanPage::PlanPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, QWidget *parent)
    : WizardPage(session, parent), m_db(db), m_roster(roster)
{
    setObjectName(QStringLiteral("planPage"));
    setTitle(tr("Plan"));
    setSubTitle(tr("A dry run: exactly what would be inserted, what is already there and skipped, and what collides with "
                   "another school's rows. Existing rows are never changed or deleted."));
    auto *again = new QPushButton(tr("&Make the plan again"), this);
    again->setObjectName(QStringLiteral("planButton"));
    m_text = browser(this, QStringLiteral("planView"), tr("The plan"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(again, 0, Qt::AlignLeft);
    layout->addWidget(m_text, 1);
    connect(again, &QPushButton::clicked, m_db, &DatabaseSession::makePlan);
    connect(db, &DatabaseSession::changed, this, &PlanPage::refresh);
}

void PlanPage::initializePage()
{
    if (!m_db->plan())
        m_db->makePlan();
    refresh();
}

bool PlanPage::isComplete() const
{
    return WizardPage::isComplete() && m_db->plan().has_value();
}

QString PlanPage::attention() const
{
    return m_db->plan() && m_db->plan()->hasConflicts() ? tr("%Ln conflict(s) with other schools", nullptr, int(m_db->plan()->conflicts.size()))
                                                        : QString();
}

void PlanPage::refresh()
{
    m_text->setHtml(m_db->plan() ? pre(m_db->plan()->describe()) : tr("<p>Making the plan…</p>"));
    emit completeChanged();
}

// Commit

CommitPage::CommitPage(RecoverySession *session, DatabaseSession *db, QWidget *parent) : WizardPage(session, parent), m_db(db)
{
    setObjectName(QStringLiteral("commitPage"));
    setTitle(tr("Commit"));
    setSubTitle(tr("Writes the plan in one transaction, after a backup of the database has been taken and checked. "
                   "Running it again adds nothing new."));
    m_what = new QLabel(this);
    m_what->setWordWrap(true);
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("confirmDatabaseEdit"));
    m_confirm->setAccessibleName(tr("Type the database name to confirm"));
    m_backupDir = new QLineEdit(this);
    m_backupDir->setObjectName(QStringLiteral("backupDirEdit"));
    m_backupDir->setAccessibleName(tr("Backup folder"));
    m_skipConflicting = new QCheckBox(tr("Leave out rows that collide with another school's (they are listed in the plan)"), this);
    m_skipConflicting->setObjectName(QStringLiteral("skipConflictingCheck"));
    m_commit = new QPushButton(tr("&Write to the database"), this);
    m_commit->setObjectName(QStringLiteral("commitButton"));
    m_result = browser(this, QStringLiteral("commitResult"), tr("What was written"));
    auto *form = new QFormLayout;
    form->addRow(tr("Type the database &name to confirm:"), m_confirm);
    form->addRow(tr("&Backup folder:"), m_backupDir);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_what);
    layout->addLayout(form);
    layout->addWidget(m_skipConflicting);
    layout->addWidget(m_commit, 0, Qt::AlignLeft);
    layout->addWidget(m_result, 1);
    connect(m_commit, &QPushButton::clicked, this, [this] {
        m_db->commit(m_confirm->text().trimmed(), m_backupDir->text().trimmed(), m_skipConflicting->isChecked());
    });
    connect(m_confirm, &QLineEdit::textChanged, this, &CommitPage::refresh);
    connect(db, &DatabaseSession::changed, this, &CommitPage::refresh);
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_backupDir->setText(QFileInfo(m_session->projectPath()).absolutePath() + QStringLiteral("/backups"));
    });
    refresh();
}

bool CommitPage::isComplete() const
{
    return WizardPage::isComplete() && m_db->applied().has_value();
}

void CommitPage::refresh()
{
    const QString name = m_db->identity() ? m_db->identity()->database : QString();
    m_what->setText(m_db->identity() ? tr("You are about to write to <b>%1</b> on <b>%2</b>. Type its name below to confirm.")
                                           .arg(name.toHtmlEscaped(), m_db->identity()->host.toHtmlEscaped())
                                     : tr("Connect to a database first (step 9)."));
    m_commit->setEnabled(m_db->plan().has_value() && !name.isEmpty() && m_confirm->text().trimmed() == name);
    if (m_db->applied())
        m_result->setHtml(pre(m_db->applied()->describe()));
    emit completeChanged();
}

// Verify & report

VerifyPage::VerifyPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, QWidget *parent)
    : WizardPage(session, parent), m_db(db), m_roster(roster)
{
    setObjectName(QStringLiteral("verifyPage"));
    setTitle(tr("Verify and report"));
    setSubTitle(tr("Re-reads the database and compares it with the project: every incident, every link. Then save the "
                   "recovery report for your records."));
    auto *verify = new QPushButton(tr("&Check the database again"), this);
    verify->setObjectName(QStringLiteral("verifyButton"));
    auto *report = new QPushButton(tr("&Save the recovery report (HTML)…"), this);
    report->setObjectName(QStringLiteral("saveReportButton"));
    m_result = browser(this, QStringLiteral("verifyResult"), tr("Verification"));
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(verify);
    buttons->addWidget(report);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_result, 1);
    layout->addWidget(m_message);
    connect(verify, &QPushButton::clicked, m_db, &DatabaseSession::verify);
    connect(report, &QPushButton::clicked, this, &VerifyPage::saveReport);
    connect(db, &DatabaseSession::changed, this, &VerifyPage::refresh);
}

void VerifyPage::initializePage()
{
    if (!m_db->verified() && m_db->applied())
        m_db->verify();
    refresh();
}

void VerifyPage::refresh()
{
    if (!m_db->verified()) {
        m_result->setHtml(m_db->applied() ? tr("<p>Checking…</p>") : tr("<p>Nothing has been written yet (step 11).</p>"));
        return;
    }
    const VerifyResult &v = *m_db->verified();
    QString text = tr("%L1 of %L2 incidents are in the database; %L3 link to their student, %L4 to their classroom.\n"
                      "Teachers: %L5, classrooms: %L6, students: %L7.\n")
                       .arg(v.incidentsPresent)
                       .arg(v.incidentsChecked)
                       .arg(v.linkedStudents)
                       .arg(v.linkedClassrooms)
                       .arg(v.teachersPresent)
                       .arg(v.classroomsPresent)
                       .arg(v.studentsPresent);
    text += v.ok() ? tr("Everything matches the project.") : tr("Differences:\n%1").arg(v.differences.join(u'\n'));
    m_result->setHtml(pre(text));
}

void VerifyPage::saveReport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the recovery report"),
                                                      QFileInfo(m_session->projectPath()).absolutePath() + QStringLiteral("/recovery-report.html"),
                                                      tr("Web pages (*.html)"));
    if (path.isEmpty())
        return;
    const ReportData data = reportData(m_session->project(), m_roster->roster());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(renderHtmlReport(data).toUtf8()) < 0 || !f.commit()) {
        m_message->setText(tr("Could not write %1: %2. Choose another folder and try again.").arg(path, f.errorString()));
        return;
    }
    m_message->setText(tr("Report saved to %1.").arg(path));
}

} // namespace tt::ui
