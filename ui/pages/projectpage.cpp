#include "projectpage.h"

#include "common/errors.h"
#include "session/envsetupsession.h"
#include "session/recoverysession.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QTimeZone>
#include <QVBoxLayout>

namespace tt::ui {

ProjectPage::ProjectPage(RecoverySession *session, EnvSetupSession *env, QWidget *parent)
    : WizardPage(session, parent), m_env(env)
{
    setObjectName(QStringLiteral("projectPage"));
    setTitle(tr("Recovery project"));
    setSubTitle(tr("A project is one file that keeps every source, choice and edit, so you can stop and carry on later."));

    auto *newBox = new QGroupBox(tr("Start a new recovery"), this);
    m_name = new QLineEdit(newBox);
    m_name->setObjectName(QStringLiteral("schoolNameEdit"));
    m_name->setPlaceholderText(tr("e.g. Wattle Grove Primary"));
    m_name->setAccessibleName(tr("School name"));
    m_domain = new QLineEdit(newBox);
    m_domain->setObjectName(QStringLiteral("domainEdit"));
    m_domain->setPlaceholderText(tr("e.g. wattlegrove.example.edu.au"));
    m_domain->setAccessibleName(tr("School domain"));
    m_zone = new QComboBox(newBox);
    m_zone->setObjectName(QStringLiteral("timeZoneCombo"));
    m_zone->setEditable(true);
    m_zone->setAccessibleName(tr("School time zone"));
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromLatin1(id));
    m_zone->setCurrentText(QString::fromLatin1(QTimeZone::systemTimeZoneId()));
    m_file = new QLineEdit(newBox);
    m_file->setObjectName(QStringLiteral("projectFileEdit"));
    m_file->setAccessibleName(tr("Project file"));
    m_file->setPlaceholderText(tr("Where to save the project (.ttproj)"));
    auto *browse = new QPushButton(tr("Choose…"), newBox);
    browse->setObjectName(QStringLiteral("chooseFileButton"));
    browse->setAccessibleName(tr("Choose where to save the project"));
    m_create = new QPushButton(tr("Create project"), newBox);
    m_create->setObjectName(QStringLiteral("createProjectButton"));

    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);
    auto *form = new QFormLayout(newBox);
    form->addRow(tr("School &name:"), m_name);
    form->addRow(tr("&Domain (staff e-mail domain):"), m_domain);
    form->addRow(tr("&Time zone:"), m_zone);
    auto *fileLabel = new QLabel(tr("Project &file:"), newBox);
    fileLabel->setBuddy(m_file);
    form->addRow(fileLabel, fileRow);
    form->addRow(QString(), m_create);

    auto *openBox = new QGroupBox(tr("Or carry on with a project"), this);
    m_recent = new QListWidget(openBox);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->setAccessibleName(tr("Recent projects"));
    m_recent->setUniformItemSizes(true);
    m_openRecent = new QPushButton(tr("Open selected"), openBox);
    m_openRecent->setObjectName(QStringLiteral("openRecentButton"));
    auto *openOther = new QPushButton(tr("Open another file…"), openBox);
    openOther->setObjectName(QStringLiteral("openProjectButton"));
    auto *openButtons = new QHBoxLayout;
    openButtons->addWidget(m_openRecent);
    openButtons->addWidget(openOther);
    openButtons->addStretch();
    auto *openLayout = new QVBoxLayout(openBox);
    openLayout->addWidget(new QLabel(tr("Recent projects:"), openBox));
    openLayout->addWidget(m_recent);
    openLayout->addLayout(openButtons);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("projectErrorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #a00000;"));
    m_error->hide();
    m_current = new QLabel(this);
    m_current->setObjectName(QStringLiteral("currentProjectLabel"));
    m_current->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_current);
    if (m_env)
        layout->addWidget(buildEnvBox());
    layout->addWidget(newBox);
    layout->addWidget(openBox, 1);
    layout->addWidget(m_error);

    setTabOrder(m_name, m_domain);
    setTabOrder(m_domain, m_zone);
    setTabOrder(m_zone, m_file);
    setTabOrder(m_file, browse);
    setTabOrder(browse, m_create);
    setTabOrder(m_create, m_recent);
    setTabOrder(m_recent, m_openRecent);
    setTabOrder(m_openRecent, openOther);

    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &name) {
        if (m_file->isModified())
            return;
        QString base = name.trimmed();
        base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("-"));
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        m_file->setText(base.isEmpty() ? QString() : QDir(dir).filePath(base.toLower() + QStringLiteral("-recovery.ttproj")));
    });
    connect(m_create, &QPushButton::clicked, this, &ProjectPage::createProject);
    connect(browse, &QPushButton::clicked, this, &ProjectPage::browseSave);
    connect(openOther, &QPushButton::clicked, this, &ProjectPage::browseOpen);
    connect(m_openRecent, &QPushButton::clicked, this, [this] {
        if (auto *item = m_recent->currentItem())
            openProject(item->data(Qt::UserRole).toString());
    });
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) { openProject(item->data(Qt::UserRole).toString()); });
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_current->setText(tr("Open project: <b>%1</b> (%2)")
                               .arg(m_session->project().school().name.toHtmlEscaped(), m_session->projectPath().toHtmlEscaped()));
        emit completeChanged();
        if (m_opening) {
            m_opening = false;
            emit projectOpenedFromFile();
        }
    });
    connect(session, &RecoverySession::taskFailed, this, [this](const QString &, const QString &message) {
        if (!m_opening)
            return;
        m_opening = false;
        showError(message);
        m_current->setText(m_session->hasProject() ? tr("Open project: <b>%1</b> (%2)")
                                                         .arg(m_session->project().school().name.toHtmlEscaped(),
                                                              m_session->projectPath().toHtmlEscaped())
                                                   : tr("No project is open yet."));
    });
    m_current->setText(tr("No project is open yet."));
    refreshRecent();
}

void ProjectPage::initializePage()
{
    refreshRecent();
}

void ProjectPage::refreshRecent()
{
    m_recent->clear();
    for (const QString &path : RecoverySession::recentProjects()) {
        if (!QFileInfo::exists(path))
            continue;
        auto *item = new QListWidgetItem(tr("%1 — %2").arg(QFileInfo(path).fileName(), QFileInfo(path).absolutePath()), m_recent);
        item->setData(Qt::UserRole, path);
    }
    m_openRecent->setEnabled(m_recent->count() > 0);
    if (m_recent->count() > 0)
        m_recent->setCurrentRow(0);
}

void ProjectPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ProjectPage::createProject()
{
    SchoolInfo school;
    school.name = m_name->text().trimmed();
    school.domain = m_domain->text().trimmed().toLower();
    school.timeZone = m_zone->currentText().trimmed();
    if (school.domain.isEmpty()) {
        showError(tr("Enter the school's domain (the part after @ in staff e-mail addresses), then press Create project."));
        m_domain->setFocus();
        return;
    }
    if (!school.timeZone.isEmpty() && !QTimeZone(school.timeZone.toUtf8()).isValid()) {
        showError(tr("'%1' is not a time zone this computer knows. Pick one from the list, e.g. Australia/Melbourne.").arg(school.timeZone));
        m_zone->setFocus();
        return;
    }
    QString path = m_file->text().trimmed();
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".ttproj");
    if (!path.isEmpty() && QFileInfo::exists(path)) {
        showError(tr("%1 already exists. Choose another file name, or open it below to carry on with it.").arg(path));
        return;
    }
    try {
        m_session->newProject(path, school);
        showError({});
        if (m_env && m_env->isLoaded())
            m_env->applyToProject(); // the confirmed parts of the .env; reads the sheet on the worker
        emit projectCreated();
    } catch (const std::exception &e) {
        showError(describeError(e));
    }
}

// "Start from TrackTally's .env": a file, then each part it gives, checked for confirmation.
QWidget *ProjectPage::buildEnvBox()
{
    auto *box = new QGroupBox(tr("Start from TrackTally's .env"), this);
    box->setObjectName(QStringLiteral("envBox"));
    auto *hint = new QLabel(tr("TrackTally's own configuration file names the sheet and its service account, the "
                               "school's domain, its administrators and the database. Nothing secret from it is "
                               "saved: the project keeps the file's path."),
                            box);
    hint->setWordWrap(true);
    m_envFile = new QLineEdit(box);
    m_envFile->setObjectName(QStringLiteral("envFileEdit"));
    m_envFile->setAccessibleName(tr("TrackTally's .env file"));
    m_envFile->setPlaceholderText(tr("e.g. /srv/tracktally/.env"));
    auto *browse = new QPushButton(tr("Choose…"), box);
    browse->setObjectName(QStringLiteral("chooseEnvButton"));
    browse->setAccessibleName(tr("Choose TrackTally's .env file"));
    auto *read = new QPushButton(tr("Read"), box);
    read->setObjectName(QStringLiteral("readEnvButton"));
    m_envParts = new QListWidget(box);
    m_envParts->setObjectName(QStringLiteral("envPartsList"));
    m_envParts->setAccessibleName(tr("What the .env gives: tick each part to use"));
    m_envParts->setMaximumHeight(110);
    m_envParts->hide();
    m_envProblems = new QLabel(box);
    m_envProblems->setObjectName(QStringLiteral("envProblemsLabel"));
    m_envProblems->setWordWrap(true);
    m_envProblems->setTextFormat(Qt::PlainText);
    m_envProblems->setStyleSheet(QStringLiteral("color: #a00000;"));
    m_envProblems->hide();
    auto *row = new QHBoxLayout;
    row->addWidget(m_envFile, 1);
    row->addWidget(browse);
    row->addWidget(read);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(hint);
    layout->addLayout(row);
    layout->addWidget(m_envParts);
    layout->addWidget(m_envProblems);

    connect(read, &QPushButton::clicked, this, &ProjectPage::readEnv);
    connect(m_envFile, &QLineEdit::returnPressed, this, &ProjectPage::readEnv);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("TrackTally's .env file"), m_envFile->text(),
                                                          tr("Environment files (.env *.env);;All files (*)"));
        if (!path.isEmpty()) {
            m_envFile->setText(path);
            readEnv();
        }
    });
    connect(m_envParts, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const auto part = EnvSetupSession::Part(item->data(Qt::UserRole).toInt());
        m_env->setConfirmed(part, item->checkState() == Qt::Checked);
        if (part == EnvSetupSession::Domain && item->checkState() == Qt::Checked)
            m_domain->setText(m_env->domain());
    });
    return box;
}

void ProjectPage::readEnv()
{
    if (m_env->load(m_envFile->text()) && !m_env->domain().isEmpty())
        m_domain->setText(m_env->domain());
    showEnv();
}

void ProjectPage::showEnv()
{
    const QSignalBlocker block(m_envParts);
    m_envParts->clear();
    for (int p = 0; p < EnvSetupSession::PartCount; ++p) {
        const auto part = EnvSetupSession::Part(p);
        const QString text = m_env->partText(part);
        if (text.isEmpty())
            continue;
        auto *item = new QListWidgetItem(text, m_envParts);
        item->setData(Qt::UserRole, p);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(m_env->isConfirmed(part) ? Qt::Checked : Qt::Unchecked);
    }
    m_envParts->setVisible(m_envParts->count() > 0);
    QStringList problems = m_env->problems();
    if (!m_env->error().isEmpty())
        problems.prepend(m_env->error());
    else if (m_env->isLoaded() && !m_env->hasPart(EnvSetupSession::Sheet))
        problems << m_env->config()->sheetProblem();
    m_envProblems->setText(problems.join(u'\n'));
    m_envProblems->setVisible(!problems.isEmpty());
}

void ProjectPage::openProject(const QString &path)
{
    // Read on the worker: a project with a million logs takes seconds, and the window must not freeze.
    if (!m_session->openProjectInBackground(path)) {
        showError(tr("Wait until the current work has finished, then open the project again."));
        return;
    }
    m_opening = true;
    showError({});
    m_current->setText(tr("Opening %1…").arg(path.toHtmlEscaped()));
}

void ProjectPage::browseSave()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the recovery project as"), m_file->text(),
                                                      tr("Recovery projects (*.ttproj)"));
    if (!path.isEmpty()) {
        m_file->setText(path);
        m_file->setModified(true);
    }
}

void ProjectPage::browseOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a recovery project"), QString(),
                                                      tr("Recovery projects (*.ttproj);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

} // namespace tt::ui
