-- The schema and migration history of a Compozy.Data database migrated by the four hand-written
-- migrations that preceded the generated baseline (20261122090000_InitialCreate,
-- 20261122093000_AddTaskStateQueryIndexes, 20261122120000_AddKnowledge,
-- 20261202090000_WidenTokenCountsToBigint), captured with
--   dotnet ef migrations script --project migrations/Compozy.Data.Migrations.Sqlite --startup-project src/Compozy.Data.Sqlite
-- at commit c73a5fb, before they were deleted. LegacyHistoryUpgradeTests runs it to prove that such
-- a database upgrades to the generated migrations. Do not edit: it stands for databases in the field.
CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL,
    "applied_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

BEGIN TRANSACTION;
CREATE TABLE "users" (
    "id" TEXT NOT NULL CONSTRAINT "pk_users" PRIMARY KEY,
    "email" TEXT COLLATE NOCASE NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ck_users_role" CHECK ("role" IN ('user', 'admin'))
);

CREATE TABLE "workflow_states" (
    "workflow_exec_id" TEXT NOT NULL CONSTRAINT "pk_workflow_states" PRIMARY KEY,
    "workflow_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "usage" TEXT NULL,
    "input" TEXT NULL,
    "output" TEXT NULL,
    "error" TEXT NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ck_workflow_states_error_json" CHECK ("error" IS NULL OR json_valid("error")),
    CONSTRAINT "ck_workflow_states_input_json" CHECK ("input" IS NULL OR json_valid("input")),
    CONSTRAINT "ck_workflow_states_output_json" CHECK ("output" IS NULL OR json_valid("output")),
    CONSTRAINT "ck_workflow_states_status" CHECK ("status" IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED')),
    CONSTRAINT "ck_workflow_states_usage_json" CHECK ("usage" IS NULL OR (CASE WHEN json_valid("usage") THEN json_type("usage") = 'array' ELSE 0 END))
);

CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL CONSTRAINT "pk_api_keys" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "hash" BLOB NOT NULL,
    "prefix" TEXT NOT NULL,
    "fingerprint" BLOB NOT NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "last_used" TEXT NULL,
    CONSTRAINT "fk_api_keys_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE TABLE "task_states" (
    "task_exec_id" TEXT NOT NULL CONSTRAINT "pk_task_states" PRIMARY KEY,
    "task_id" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "workflow_exec_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "execution_type" TEXT NOT NULL DEFAULT 'basic',
    "usage" TEXT NULL,
    "agent_id" TEXT NULL,
    "tool_id" TEXT NULL,
    "action_id" TEXT NULL,
    "parent_state_id" TEXT NULL,
    "input" TEXT NULL,
    "output" TEXT NULL,
    "error" TEXT NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ck_task_states_error_json" CHECK ("error" IS NULL OR json_valid("error")),
    CONSTRAINT "ck_task_states_execution_type" CHECK ("execution_type" IN ('basic', 'router', 'parallel', 'collection', 'composite', 'wait', 'signal', 'aggregate', 'memory')),
    CONSTRAINT "ck_task_states_execution_type_components" CHECK (("execution_type" = 'basic' AND (("agent_id" IS NOT NULL AND "action_id" IS NOT NULL AND "tool_id" IS NULL) OR ("agent_id" IS NULL AND "action_id" IS NULL AND "tool_id" IS NOT NULL) OR ("agent_id" IS NULL AND "action_id" IS NULL AND "tool_id" IS NULL))) OR ("execution_type" = 'router' AND "agent_id" IS NULL AND "action_id" IS NULL AND "tool_id" IS NULL) OR ("execution_type" NOT IN ('basic', 'router'))),
    CONSTRAINT "ck_task_states_input_json" CHECK ("input" IS NULL OR json_valid("input")),
    CONSTRAINT "ck_task_states_output_json" CHECK ("output" IS NULL OR json_valid("output")),
    CONSTRAINT "ck_task_states_status" CHECK ("status" IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED', 'WAITING', 'PAUSED')),
    CONSTRAINT "ck_task_states_usage_json" CHECK ("usage" IS NULL OR (CASE WHEN json_valid("usage") THEN json_type("usage") = 'array' ELSE 0 END)),
    CONSTRAINT "fk_task_states_parent_state_id" FOREIGN KEY ("parent_state_id") REFERENCES "task_states" ("task_exec_id") ON DELETE CASCADE,
    CONSTRAINT "fk_task_states_workflow_exec_id" FOREIGN KEY ("workflow_exec_id") REFERENCES "workflow_states" ("workflow_exec_id") ON DELETE CASCADE
);

CREATE TABLE "execution_llm_usage" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_execution_llm_usage" PRIMARY KEY AUTOINCREMENT,
    "workflow_exec_id" TEXT NULL,
    "task_exec_id" TEXT NULL,
    "component" TEXT NOT NULL,
    "agent_id" TEXT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "reasoning_tokens" INTEGER NULL,
    "cached_prompt_tokens" INTEGER NULL,
    "input_audio_tokens" INTEGER NULL,
    "output_audio_tokens" INTEGER NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ck_execution_llm_usage_exactly_one_exec_id" CHECK (("workflow_exec_id" IS NULL) <> ("task_exec_id" IS NULL)),
    CONSTRAINT "ck_execution_llm_usage_tokens_not_negative" CHECK ("prompt_tokens" >= 0 AND "completion_tokens" >= 0 AND "total_tokens" >= 0 AND ("reasoning_tokens" IS NULL OR "reasoning_tokens" >= 0) AND ("cached_prompt_tokens" IS NULL OR "cached_prompt_tokens" >= 0) AND ("input_audio_tokens" IS NULL OR "input_audio_tokens" >= 0) AND ("output_audio_tokens" IS NULL OR "output_audio_tokens" >= 0)),
    CONSTRAINT "fk_execution_llm_usage_task_exec_id" FOREIGN KEY ("task_exec_id") REFERENCES "task_states" ("task_exec_id") ON DELETE CASCADE,
    CONSTRAINT "fk_execution_llm_usage_workflow_exec_id" FOREIGN KEY ("workflow_exec_id") REFERENCES "workflow_states" ("workflow_exec_id") ON DELETE CASCADE
);

CREATE INDEX "idx_api_keys_created_at" ON "api_keys" ("created_at");

CREATE UNIQUE INDEX "idx_api_keys_fingerprint" ON "api_keys" ("fingerprint");

CREATE UNIQUE INDEX "idx_api_keys_prefix" ON "api_keys" ("prefix");

CREATE INDEX "idx_api_keys_user_id" ON "api_keys" ("user_id");

CREATE INDEX "idx_execution_usage_component_created_at" ON "execution_llm_usage" ("component", "created_at");

CREATE UNIQUE INDEX "uq_execution_usage_task_component" ON "execution_llm_usage" ("task_exec_id", "component") WHERE "task_exec_id" IS NOT NULL;

CREATE UNIQUE INDEX "uq_execution_usage_workflow_component" ON "execution_llm_usage" ("workflow_exec_id", "component") WHERE "workflow_exec_id" IS NOT NULL;

CREATE INDEX "idx_task_states_agent_id" ON "task_states" ("agent_id");

CREATE INDEX "idx_task_states_parent_state_id_task_id" ON "task_states" ("parent_state_id", "task_id");

CREATE INDEX "idx_task_states_status" ON "task_states" ("status");

CREATE INDEX "idx_task_states_task_id" ON "task_states" ("task_id");

CREATE INDEX "idx_task_states_tool_id" ON "task_states" ("tool_id");

CREATE INDEX "idx_task_states_workflow_exec_id_status" ON "task_states" ("workflow_exec_id", "status");

CREATE INDEX "idx_task_states_workflow_exec_id_task_id" ON "task_states" ("workflow_exec_id", "task_id");

CREATE INDEX "idx_task_states_workflow_id" ON "task_states" ("workflow_id");

CREATE UNIQUE INDEX "idx_users_email_ci" ON "users" ("email");

CREATE INDEX "idx_users_role" ON "users" ("role");

CREATE INDEX "idx_workflow_states_created_at" ON "workflow_states" ("created_at");

CREATE INDEX "idx_workflow_states_status" ON "workflow_states" ("status");

CREATE INDEX "idx_workflow_states_updated_at" ON "workflow_states" ("updated_at");

CREATE INDEX "idx_workflow_states_workflow_id_status" ON "workflow_states" ("workflow_id", "status");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122090000_InitialCreate', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "idx_task_states_parent_state_id_with_output" ON "task_states" ("parent_state_id") WHERE "output" IS NOT NULL;

CREATE INDEX "idx_task_states_workflow_exec_id_execution_type" ON "task_states" ("workflow_exec_id", "execution_type");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122093000_AddTaskStateQueryIndexes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "knowledge_bases" (
    "name" TEXT NOT NULL CONSTRAINT "pk_knowledge_bases" PRIMARY KEY,
    "vector_db_id" TEXT NOT NULL,
    "dimension" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ck_knowledge_bases_dimension" CHECK ("dimension" > 0),
    CONSTRAINT "ck_knowledge_bases_metric" CHECK ("metric" IN ('cosine', 'l2', 'dot'))
);

CREATE TABLE "knowledge_documents" (
    "knowledge_base_name" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "pk_knowledge_documents" PRIMARY KEY ("knowledge_base_name", "id"),
    CONSTRAINT "fk_knowledge_documents_knowledge_base_name" FOREIGN KEY ("knowledge_base_name") REFERENCES "knowledge_bases" ("name") ON DELETE CASCADE
);

CREATE TABLE "knowledge_chunks" (
    "knowledge_base_name" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "document_id" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "metadata" TEXT NULL,
    "embedding" BLOB NOT NULL,
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "pk_knowledge_chunks" PRIMARY KEY ("knowledge_base_name", "id"),
    CONSTRAINT "ck_knowledge_chunks_metadata_json" CHECK ("metadata" IS NULL OR (CASE WHEN json_valid("metadata") THEN json_type("metadata") = 'object' ELSE 0 END)),
    CONSTRAINT "fk_knowledge_chunks_document" FOREIGN KEY ("knowledge_base_name", "document_id") REFERENCES "knowledge_documents" ("knowledge_base_name", "id") ON DELETE CASCADE
);

CREATE INDEX "idx_knowledge_bases_vector_db_id" ON "knowledge_bases" ("vector_db_id");

CREATE INDEX "idx_knowledge_chunks_document" ON "knowledge_chunks" ("knowledge_base_name", "document_id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122120000_AddKnowledge', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202090000_WidenTokenCountsToBigint', '10.0.15');

COMMIT;

