/**
 * The empty state of a new install: how to send the first trace, with this server's own
 * endpoint (window.location.origin + /v1/traces) in ready-to-paste TypeScript and Python.
 */
import { useState } from 'react';

function snippets(endpoint: string, project: string) {
  return {
    TypeScript: `// npm install @arizeai/phoenix-otel @arizeai/openinference-instrumentation-openai openai
import { register } from '@arizeai/phoenix-otel';

register({
  projectName: '${project}',
  url: '${endpoint}',
});

// …or with the plain OpenTelemetry SDK:
// import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
// new OTLPTraceExporter({ url: '${endpoint}', headers: { 'x-project-name': '${project}' } });`,
    Python: `# pip install arize-phoenix-otel openinference-instrumentation-openai openai
from phoenix.otel import register

tracer_provider = register(
    project_name="${project}",
    endpoint="${endpoint}",
    auto_instrument=True,  # traces OpenAI, LangChain, LlamaIndex… calls
)

# …or with the plain OpenTelemetry SDK:
# from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
# OTLPSpanExporter("${endpoint}", headers={"x-project-name": "${project}"})`,
    curl: `curl -X POST '${endpoint}' \\
  -H 'content-type: application/json' -H 'x-project-name: ${project}' \\
  -d '{"resourceSpans":[{"scopeSpans":[{"spans":[{
    "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
    "name":"hello","startTimeUnixNano":"${Date.now()}000000","endTimeUnixNano":"${Date.now() + 250}000000",
    "attributes":[{"key":"openinference.span.kind","value":{"stringValue":"CHAIN"}},
                  {"key":"input.value","value":{"stringValue":"Hello, Heron"}}]}]}]}]}'`,
  };
}

export function FirstTraceGuide(props: { projectName?: string; title?: string }) {
  const endpoint = `${window.location.origin}/v1/traces`;
  const all = snippets(endpoint, props.projectName ?? 'default');
  const [language, setLanguage] = useState<keyof typeof all>('TypeScript');
  const [copied, setCopied] = useState(false);
  return (
    <section className="empty" data-testid="first-trace-guide">
      <h2>{props.title ?? 'Send your first trace'}</h2>
      <p>
        Heron receives OpenTelemetry traces at <code>{endpoint}</code> (OTLP over HTTP, protobuf or
        JSON) and on port 4317 (OTLP/gRPC). Any OpenInference instrumentation works unchanged; the
        traces show up here within a second of their export.
      </p>
      <div className="snippet-tabs" role="tablist">
        {(Object.keys(all) as (keyof typeof all)[]).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={language === name}
            className={language === name ? 'button active' : 'button'}
            onClick={() => setLanguage(name)}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="snippet">
        <pre>{all[language]}</pre>
        <button
          type="button"
          className="button copy"
          onClick={() => {
            void navigator.clipboard?.writeText(all[language]).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="hint">
        Spans go to the project named by <code>openinference.project.name</code> (what{' '}
        <code>register(projectName)</code> sets) or the <code>x-project-name</code> header, else to{' '}
        <code>default</code>.
      </p>
    </section>
  );
}
