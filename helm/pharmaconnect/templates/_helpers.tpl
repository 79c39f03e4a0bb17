{{/* Names and labels shared by every template. */}}

{{- define "pharmaconnect.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A service's objects: <fullname>-<service>. Call with (dict "root" $ "name" $name). */}}
{{- define "pharmaconnect.serviceName" -}}
{{- printf "%s-%s" (include "pharmaconnect.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pharmaconnect.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: pharmaconnect
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one service. Call with (dict "root" $ "name" $name). */}}
{{- define "pharmaconnect.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "pharmaconnect.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .name .root.Values.image.tag -}}
{{- end -}}

{{/* The public host names, the internal gateway's, localhost and the pod's own address:
     Django answers 400 to any other Host. Kubelet probes send Host: localhost; Prometheus
     scrapes the pod by its IP. */}}
{{- define "pharmaconnect.allowedHosts" -}}
{{- $hosts := concat .Values.ingress.hosts (list .Values.internalGateway.host "localhost" "$(POD_IP)") -}}
{{- join "," $hosts -}}
{{- end -}}

{{/* The environment of a service's containers (Deployment and migrate Job alike).
     Call with (dict "root" $ "name" $name "svc" $svc). */}}
{{- define "pharmaconnect.env" -}}
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.secrets.common }}
      key: SECRET_KEY
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.secrets.common }}
      key: REDIS_URL
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .svc.secretName }}
      key: DATABASE_URL
- name: SERVICE_CLIENT_ID
  value: {{ printf "%s-service" .name | quote }}
- name: SERVICE_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .svc.secretName }}
      key: SERVICE_CLIENT_SECRET
- name: ALLOWED_HOSTS
  value: {{ include "pharmaconnect.allowedHosts" .root | quote }}
- name: CSRF_TRUSTED_ORIGINS
  value: {{ .root.Values.publicUrl | quote }}
- name: GATEWAY_URL
  value: {{ .root.Values.internalGateway.url | quote }}
- name: JWT_ISSUER
  value: {{ printf "%s/api/auth" .root.Values.publicUrl | quote }}
- name: JWKS_URL
  value: {{ printf "%s/api/auth/.well-known/jwks.json" .root.Values.internalGateway.url | quote }}
- name: LOG_LEVEL
  value: {{ .root.Values.config.logLevel | quote }}
- name: WEB_CONCURRENCY
  value: {{ .svc.webConcurrency | default .root.Values.config.webConcurrency | quote }}
{{- range $key, $value := .svc.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "pharmaconnect.envFrom" -}}
{{- range .svc.envFromSecrets }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{/* An HTTP probe on the container port with Host: localhost (an allowed host). */}}
{{- define "pharmaconnect.probe" -}}
httpGet:
  path: {{ .path }}
  port: http
  httpHeaders:
    - name: Host
      value: localhost
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}
