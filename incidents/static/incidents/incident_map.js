/* The incident map: country outlines from the shipped world-atlas TopoJSON (so the map reads with
   no tile server), optional tiles, and the filtered incidents as circle markers sized by fatalities,
   clustered where dense. The page passes its settings in the #map-config JSON script. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var container = document.getElementById("incident-map");
  var status = document.getElementById("map-status");
  var listInView = document.getElementById("list-in-view");

  // the legend's colours, set here rather than in style="" attributes (the CSP refuses those)
  document.querySelectorAll(".map-legend .swatch[data-colour]").forEach(function (swatch) {
    swatch.style.background = swatch.dataset.colour;
  });

  // maxZoom on the map itself: clustering needs one even when no tile layer brings it
  var map = L.map(container, { worldCopyJump: true, minZoom: 1, maxZoom: 18 }).setView([20, 15], 2);
  // Outlines sit above any tiles and below the markers; country names above the outlines.
  map.createPane("outlines");
  map.getPane("outlines").style.zIndex = 250;
  map.createPane("country-labels");
  map.getPane("country-labels").style.zIndex = 350;
  map.getPane("country-labels").style.pointerEvents = "none";
  if (!config.tileUrl) container.classList.add("no-tiles"); // sea colour behind the land (CSS)
  // Without tiles the outlines are all there is: closer than a country's scale, nothing says where one is.
  var FIT_MAX_ZOOM = config.tileUrl ? 9 : 6;

  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  }

  var ANTARCTICA = "010"; // ISO 3166-1 numeric; its ring runs along the map's edge, and no one is hurt there

  // Countries that cross the antimeridian (Russia, Fiji) jump from +180 to -180 within a ring, and
  // Leaflet would draw that jump as a line across the world: keep each ring's longitudes continuous.
  function unwrap(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polygons.forEach(function (rings) {
      rings.forEach(function (ring) {
        var shift = 0;
        for (var i = 1; i < ring.length; i++) {
          var step = ring[i][0] + shift - ring[i - 1][0];
          if (step > 180) shift -= 360;
          else if (step < -180) shift += 360;
          ring[i][0] += shift;
        }
      });
    });
  }

  // A ring's area-weighted centre (shoelace formula, in degrees: enough to place a name).
  function ringCentre(ring) {
    var area = 0, x = 0, y = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      area += cross;
      x += (ring[j][0] + ring[i][0]) * cross;
      y += (ring[j][1] + ring[i][1]) * cross;
    }
    if (!area) return { lon: ring[0][0], lat: ring[0][1], area: 0 };
    return { lon: x / (3 * area), lat: y / (3 * area), area: Math.abs(area / 2) };
  }

  // A country's name goes at the centre of its largest polygon (France's mainland, not Guiana),
  // with that polygon's extent, which decides at which zoom the name fits.
  function labelPlace(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var best = null;
    polygons.forEach(function (rings) {
      var centre = ringCentre(rings[0]);
      if (!best || centre.area > best.area) {
        var lons = rings[0].map(function (p) { return p[0]; });
        var lats = rings[0].map(function (p) { return p[1]; });
        centre.bounds = L.latLngBounds([Math.min.apply(null, lats), Math.min.apply(null, lons)],
                                       [Math.max.apply(null, lats), Math.max.apply(null, lons)]);
        best = centre;
      }
    });
    return best;
  }

  var countryLabels = [];

  function addCountryLabels(features) {
    features.forEach(function (country) {
      var name = country.properties && country.properties.name;
      if (!name) return;
      var place = labelPlace(country.geometry);
      var text = document.createElement("span");
      text.textContent = name; // names come from a data file: never parsed as HTML
      var label = L.marker([place.lat, place.lon], {
        pane: "country-labels",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "country-label", html: text, iconSize: null }),
      }).addTo(map);
      countryLabels.push({ marker: label, bounds: place.bounds, name: name });
    });
    fitLabels();
    map.on("zoomend", fitLabels);
  }

  // A name shows when its country is wide enough on screen to hold it: small states stay unlabelled
  // at world scale, and labels never pile up.
  function fitLabels() {
    countryLabels.forEach(function (label) {
      var west = map.latLngToLayerPoint(label.bounds.getSouthWest());
      var east = map.latLngToLayerPoint(label.bounds.getNorthEast());
      var element = label.marker.getElement();
      if (element) element.hidden = east.x - west.x < label.name.length * 6.5;
    });
  }

  fetch(config.outlinesUrl)
    .then(function (response) {
      if (!response.ok) throw new Error("outlines: HTTP " + response.status);
      return response.json();
    })
    .then(function (topology) {
      var countries = topojson.feature(topology, topology.objects.countries);
      countries.features = countries.features.filter(function (country) {
        return country.id !== ANTARCTICA;
      });
      countries.features.forEach(function (country) { unwrap(country.geometry); });
      L.geoJSON(countries, {
        pane: "outlines",
        interactive: false,
        style: {
          color: "#6b7587",
          weight: 0.9,
          fillColor: "#f7f3e8",
          fillOpacity: config.tileUrl ? 0 : 1,
        },
      }).addTo(map);
      if (!config.tileUrl) addCountryLabels(countries.features);
      container.dataset.outlines = "ready";
    })
    .catch(function (error) {
      container.dataset.outlines = "failed";
      console.error(error);
    });

  function radius(fatalities) {
    if (!fatalities) return 5;
    return Math.min(24, 5 + 2.5 * Math.sqrt(fatalities));
  }

  function colour(subEventType) {
    return config.colours[config.eventTypes[subEventType]] || "#555";
  }

  function field(list, name, value) {
    var dt = document.createElement("dt");
    dt.textContent = name;
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }

  // Built as DOM nodes with textContent: place names come from the articles' text.
  function popup(point) {
    var box = document.createElement("div");
    box.className = "incident-popup";
    var title = document.createElement("strong");
    title.textContent = point[5];
    var head = [title];
    var badge = document.getElementById("background-badge");
    if (point[7] && badge) head.push(" ", badge.content.cloneNode(true)); // a recalled, older event
    var list = document.createElement("dl");
    field(list, "Date", point[4]);
    field(list, "Type", (config.eventTypes[point[5]] || "") + " — " + point[5]);
    field(list, "Place", (point[6] || "—") + (point[8] ? " (drawn at the province's centre: the place is not known)" : ""));
    field(list, "Fatalities", point[3] === null ? "unknown" : String(point[3]));
    var link = document.createElement("a");
    link.href = config.incidentUrl.replace("{id}", String(point[0]));
    link.className = "incident-link";
    link.textContent = "Open incident #" + point[0];
    box.append.apply(box, head.concat([list, link]));
    return box;
  }

  function plural(count, word) {
    return count.toLocaleString("en") + " " + word + (count === 1 ? "" : "s");
  }

  // "7 incidents: 3 at their place, 4 at their province's centre", and those with no place at all.
  function report(data, drawn) {
    var atCentre = data.points.filter(function (point) { return point[8]; }).length;
    var text = plural(drawn, "incident");
    if (!drawn) text = "No incidents on the map.";
    else if (atCentre) {
      text += ": " + (drawn - atCentre).toLocaleString("en") + " at their place, " +
        atCentre.toLocaleString("en") + " at their province's centre.";
    } else text += ", all at their place.";
    if (data.unplaced) {
      text += " " + plural(data.unplaced, "more incident") + " with no known place " +
        (data.unplaced === 1 ? "is" : "are") + " not drawn.";
    }
    if (data.capped) {
      text = "Showing the newest " + data.cap.toLocaleString("en") + " matching incidents only (the map's " +
        "limit): narrow the filters to see older ones. " + text;
    }
    status.textContent = text;
    container.dataset.points = String(drawn); // set once every marker is on the map
    container.dataset.atCentre = String(atCentre);
  }

  // Incidents at their place: filled circles. At their province's centre: a dashed ring, lighter,
  // since the place is a guess at the province's scale.
  function marker(point) {
    var atCentre = point[8];
    var fill = colour(point[5]);
    var circle = L.circleMarker([point[1], point[2]], {
      radius: radius(point[3]),
      color: atCentre ? fill : "#fff",
      weight: atCentre ? 2 : 1,
      dashArray: atCentre ? "3 3" : null,
      fillColor: fill,
      fillOpacity: atCentre ? 0.3 : 0.8,
      className: atCentre ? "incident-marker at-province-centre" : "incident-marker",
      eventType: config.eventTypes[point[5]] || "",
    });
    circle.bindPopup(function () { return popup(point); });
    return circle;
  }

  // A cluster is a ring of its incidents' event-type colours, each type's share of the ring its
  // share of the incidents (one colour when they agree): the legend's palette, nothing else.
  function clusterIcon(cluster) {
    var shares = {};
    var children = cluster.getAllChildMarkers();
    children.forEach(function (child) {
      shares[child.options.eventType] = (shares[child.options.eventType] || 0) + 1;
    });
    var stops = [];
    var start = 0;
    Object.keys(config.colours).concat([""]).forEach(function (type) {
      if (!shares[type]) return;
      var end = start + (100 * shares[type]) / children.length;
      var paint = config.colours[type] || "#555";
      stops.push(paint + " " + start.toFixed(2) + "% " + end.toFixed(2) + "%");
      start = end;
    });
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : 44;
    var ring = document.createElement("div");
    ring.className = "cluster-ring";
    ring.style.background = "conic-gradient(" + stops.join(", ") + ")"; // CSSOM: the CSP allows it
    ring.dataset.types = Object.keys(shares).filter(Boolean).sort().join("|");
    var label = document.createElement("span");
    label.textContent = count.toLocaleString("en");
    ring.append(label);
    return L.divIcon({ html: ring, className: "incident-cluster", iconSize: L.point(size, size) });
  }

  function showPoints(data) {
    var markers = data.points.map(marker);
    if (!markers.length) {
      report(data, 0);
      return;
    }
    // Frame the markers first, without animation, so they are clustered once, at the final zoom.
    var bounds = L.latLngBounds(markers.map(function (one) { return one.getLatLng(); }));
    map.fitBounds(bounds.pad(0.15), { maxZoom: FIT_MAX_ZOOM, animate: false });
    var clusters = L.markerClusterGroup({
      chunkedLoading: true, // thousands of markers go in between frames, the page stays responsive
      chunkProgress: function (done, total) {
        // (adding the empty group to the map reports 0 of 0 first)
        if (done === total && total === markers.length) setTimeout(function () { report(data, total); }, 0);
      },
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      iconCreateFunction: clusterIcon,
    });
    map.addLayer(clusters);
    clusters.addLayers(markers);
  }

  fetch(config.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.errors ? "The filters are not valid." : "HTTP " + response.status);
        return body;
      });
    })
    .then(showPoints)
    .catch(function (error) {
      status.textContent = "The incidents could not be loaded: " + error;
      console.error(error);
      container.dataset.points = "failed";
    });

  // "List the incidents in this view": the list with the same filters and the map's bounding box.
  function updateListLink() {
    if (!listInView) return;
    var bounds = map.getBounds();
    var west = Math.max(-180, Math.floor(bounds.getWest() * 1000) / 1000);
    var east = Math.min(180, Math.ceil(bounds.getEast() * 1000) / 1000);
    var south = Math.max(-90, Math.floor(bounds.getSouth() * 1000) / 1000);
    var north = Math.min(90, Math.ceil(bounds.getNorth() * 1000) / 1000);
    if (west > east) { west = -180; east = 180; }
    var query = (config.filters ? config.filters + "&" : "") + "bbox=" + [west, south, east, north].join(",");
    listInView.href = config.listUrl + "?" + query;
  }
  map.on("moveend", updateListLink);
  updateListLink();
})();
