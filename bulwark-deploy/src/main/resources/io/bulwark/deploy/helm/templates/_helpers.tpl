{{/* The name every object starts with: the release name, or nameOverride. */}}
{{- define "bulwark.fullname" -}}
{{- default .Release.Name .Values.nameOverride | trunc 55 | trimSuffix "-" -}}
{{- end -}}

{{/* The selector labels of a component (api or worker). */}}
{{- define "bulwark.selectorLabels" -}}
app.kubernetes.io/name: bulwark
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{/* The recommended labels. */}}
{{- define "bulwark.labels" -}}
{{ include "bulwark.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "bulwark.fullname" .root }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 }}
{{- end -}}

{{- define "bulwark.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (include "bulwark.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{- define "bulwark.secretName" -}}
{{ default (printf "%s-secrets" (include "bulwark.fullname" .)) .Values.secret.name }}
{{- end -}}

{{/* A pod template for a component: .root, .component, .args. */}}
{{- define "bulwark.podTemplate" -}}
metadata:
  labels:
    {{- include "bulwark.labels" . | nindent 4 }}
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .root.Values.port | quote }}
    prometheus.io/path: /metrics
    checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
spec:
  serviceAccountName: {{ include "bulwark.serviceAccountName" .root }}
  terminationGracePeriodSeconds: {{ add .root.Values.shutdown.drainDelaySeconds .root.Values.shutdown.graceSeconds 10 }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "bulwark.selectorLabels" . | nindent 10 }}
  {{- with .root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: bulwark
      image: "{{ .root.Values.image.repository }}:{{ .root.Values.image.tag }}"
      imagePullPolicy: {{ .root.Values.image.pullPolicy }}
      args:
        {{- range .args }}
        - {{ . | quote }}
        {{- end }}
      ports:
        - name: http
          containerPort: {{ .root.Values.port }}
          protocol: TCP
      env:
        - name: JAVA_TOOL_OPTIONS
          value: {{ .root.Values.javaToolOptions | quote }}
        {{- $secret := include "bulwark.secretName" .root }}
        {{- $env := .root.Values.secret.env }}
        {{- if and (eq .component "api") (not (has "BULWARK_AUTH_ADMIN_KEY" $env)) }}
        {{- $env = prepend $env "BULWARK_AUTH_ADMIN_KEY" }}
        {{- end }}
        {{- range $env }}
        - name: {{ . }}
          valueFrom:
            secretKeyRef:
              name: {{ $secret }}
              key: {{ . }}
              optional: false
        {{- end }}
      resources:
        {{- toYaml .root.Values.resources | nindent 8 }}
      startupProbe:
        httpGet:
          path: /health/live
          port: http
        periodSeconds: 2
        failureThreshold: 30
        timeoutSeconds: 2
      livenessProbe:
        httpGet:
          path: /health/live
          port: http
        periodSeconds: 10
        failureThreshold: 3
        timeoutSeconds: 2
      readinessProbe:
        httpGet:
          path: /health/ready
          port: http
        periodSeconds: 5
        failureThreshold: 2
        timeoutSeconds: 2
      lifecycle:
        preStop:
          sleep:
            seconds: {{ .root.Values.shutdown.drainDelaySeconds }}
      securityContext:
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities:
          drop:
            - ALL
      volumeMounts:
        - name: config
          mountPath: /etc/bulwark
          readOnly: true
        - name: data
          mountPath: /var/lib/bulwark
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: config
      configMap:
        name: {{ include "bulwark.fullname" .root }}-config
    - name: data
      emptyDir: {}
    - name: tmp
      emptyDir: {}
{{- end -}}
