{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "freightgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified release name: <release> when it already contains the chart name. */}}
{{- define "freightgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The webhook's Deployment/Service name; the serving certificate's SANs derive from it. */}}
{{- define "freightgate.webhookName" -}}
{{- printf "%s-webhook" (include "freightgate.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "freightgate.tlsSecretName" -}}
{{- printf "%s-tls" (include "freightgate.webhookName" .) -}}
{{- end -}}

{{- define "freightgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "freightgate.webhookName" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "freightgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "freightgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: freightgate
{{- end -}}

{{- define "freightgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "freightgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end -}}

{{- define "freightgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "freightgate.cmpImage" -}}
{{- printf "%s:%s" .Values.cmp.image.repository (default .Chart.AppVersion .Values.cmp.image.tag) -}}
{{- end -}}

{{/* Mode check: fails the render on a typo instead of silently installing the wrong mode. */}}
{{- define "freightgate.standalone" -}}
{{- if eq .Values.mode "standalone" -}}true
{{- else if eq .Values.mode "alongsideKargo" -}}
{{- else -}}
{{- fail (printf "mode: %q is not valid; use standalone or alongsideKargo" .Values.mode) -}}
{{- end -}}
{{- end -}}

{{/* namespaceSelector: never the control plane, node leases or freightgate's own namespace
     (so the webhook cannot block its own recovery), plus what the user adds. */}}
{{- define "freightgate.namespaceSelector" -}}
{{- $excluded := concat (list "kube-system" "kube-node-lease" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq -}}
{{- $exprs := list (dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" $excluded) -}}
{{- $user := .Values.webhook.namespaceSelector | default dict -}}
{{- $exprs = concat $exprs ($user.matchExpressions | default list) -}}
{{- $sel := dict "matchExpressions" $exprs -}}
{{- if $user.matchLabels -}}
{{- $_ := set $sel "matchLabels" $user.matchLabels -}}
{{- end -}}
{{- toYaml $sel -}}
{{- end -}}

{{/* Argo CD's controller writes Application status constantly; only changes to spec, labels or
     annotations (or creations) reach the webhook. */}}
{{- define "freightgate.applicationMatchConditions" -}}
- name: skip-status-only-application-updates
  expression: >-
    request.operation != 'UPDATE' ||
    object.spec != oldObject.spec ||
    has(object.metadata.annotations) != has(oldObject.metadata.annotations) ||
    (has(object.metadata.annotations) && object.metadata.annotations != oldObject.metadata.annotations) ||
    has(object.metadata.labels) != has(oldObject.metadata.labels) ||
    (has(object.metadata.labels) && object.metadata.labels != oldObject.metadata.labels)
{{- end -}}

{{/* The argo-cd chart values that add the freightgate CMP sidecar to the repo-server. */}}
{{- define "freightgate.argocdValues" -}}
repoServer:
  extraContainers:
  - name: freightgate-cmp
    image: {{ include "freightgate.cmpImage" . }}
    command: [/var/run/argocd/argocd-cmp-server]
    env:
    - name: HOME
      value: /tmp
    - name: TMPDIR
      value: /tmp
    securityContext:
      runAsNonRoot: true
      runAsUser: 999
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
    volumeMounts:
    - name: var-files
      mountPath: /var/run/argocd
    - name: plugins
      mountPath: /home/argocd/cmp-server/plugins
    - name: freightgate-cmp-plugin
      mountPath: /home/argocd/cmp-server/config/plugin.yaml
      subPath: plugin.yaml
    - name: freightgate-cmp-tmp
      mountPath: /tmp
  volumes:
  - name: freightgate-cmp-plugin
    configMap:
      name: {{ .Values.cmp.configMapName }}
  - name: freightgate-cmp-tmp
    emptyDir: {}
{{- end -}}

{{/* The fields every freightgate webhook shares; called with a dict (see webhooks.yaml). */}}
{{- define "freightgate.webhookCommon" }}
  clientConfig:
    service:
      name: {{ .svc }}
      namespace: {{ .ns }}
      path: {{ .path }}
      port: {{ .port }}
    {{- if .caBundle }}
    caBundle: {{ .caBundle }}
    {{- end }}
  namespaceSelector:
    {{- .nsSelector | nindent 4 }}
  {{- with .objectSelector }}
  objectSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  failurePolicy: {{ .failurePolicy }}
  {{- if .mutating }}
  reinvocationPolicy: IfNeeded
  {{- end }}
  sideEffects: None
  admissionReviewVersions: [v1]
  timeoutSeconds: {{ .timeoutSeconds }}
  matchPolicy: Equivalent
{{- end }}
